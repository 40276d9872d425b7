using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed class SaveApplicationRequest
{
    /// <summary>mentor, mentee or peer (only when starting through the program's collection).</summary>
    [StringLength(20)]
    public string? Role { get; set; }

    /// <summary>Every answer, keyed by question id; a save replaces the previous answers.</summary>
    public Dictionary<string, JsonElement>? Answers { get; set; }

    public bool AcceptsCodeOfConduct { get; set; }

    [Range(5, 120)]
    public int? Age { get; set; }

    [StringLength(120)]
    public string? GuardianName { get; set; }

    [EmailAddress, StringLength(256)]
    public string? GuardianEmail { get; set; }

    /// <summary>False saves a draft (incomplete is fine); true submits (every required answer, code of conduct accepted).</summary>
    public bool Submit { get; set; }
}

public sealed record ObjectiveLine(string Description, string Target);

public sealed record PublicProgramView(
    Guid Id, string Name, string OrganisationName, string Description, string TargetAudience, string Guidelines,
    IReadOnlyList<ObjectiveLine> Objectives, ProgramStatus Status, IReadOnlyList<ProgramRole> Roles, bool IncludesMinors)
{
    public bool IsRecruiting => Status == ProgramStatus.Recruiting;
}

public sealed record MyApplicationView(
    Guid Id, Guid ProgramId, string ProgramName, ProgramRole Role, ApplicationStatus Status,
    int? FormVersion, IReadOnlyList<Question> Questions, IReadOnlyDictionary<string, JsonElement> Answers,
    bool AcceptsCodeOfConduct, int? Age, string? GuardianName, string? GuardianEmail,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? SubmittedAt, DateTime? DecidedAt, string? DecisionMessage);

public sealed record MyApplicationSummary(
    Guid Id, Guid ProgramId, string ProgramName, ProgramRole Role, ApplicationStatus Status,
    DateTime UpdatedAt, DateTime? SubmittedAt, DateTime? DecidedAt, string? DecisionMessage);

/// <summary>The form someone is about to fill in: the program, the current questions and their own application if any.</summary>
public sealed record ApplicationForm(PublicProgramView Program, ProgramRole Role, int? FormVersion, IReadOnlyList<Question> Questions, MyApplicationView? Mine, string TimeZoneId);

/// <summary>A program's public face (anyone, signed in or not). Not found only when the program does not exist.</summary>
public sealed class GetPublicProgram(TandemDb db)
{
    public async Task<Outcome<PublicProgramView>> RunAsync(Guid programId, CancellationToken ct = default)
    {
        var program = await db.Programs.Where(p => p.Id == programId).Include(p => p.Objectives).AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No such program.");
        }
        var organisation = await db.Organisations.Where(o => o.Id == program.OrganisationId)
            .Select(o => new { o.Name, o.IncludesMinors }).SingleAsync(ct);
        return new PublicProgramView(program.Id, program.Name, organisation.Name, program.Description, program.TargetAudience, program.Guidelines,
            program.Objectives.OrderBy(o => o.Position).Select(o => new ObjectiveLine(o.Description, o.Target)).ToList(),
            program.Status, ScreeningAccess.ApplicableRoles(program.Pairing), organisation.IncludesMinors);
    }
}

/// <summary>The applicant's form for a role: their own application (draft or not) or the current questions.</summary>
public sealed class GetApplicationForm(TandemDb db, GetPublicProgram getProgram, GetMyApplication getMine)
{
    public async Task<Outcome<ApplicationForm>> RunAsync(Actor actor, Guid programId, string role, CancellationToken ct = default)
    {
        var program = await getProgram.RunAsync(programId, ct);
        if (program.Failure is { } failure)
        {
            return failure;
        }
        var programRole = ScreeningAccess.ParseRole(role);
        if (programRole is null || !program.Value!.Roles.Contains(programRole.Value))
        {
            return new NotFound("This program does not take applications for that role.");
        }
        var mineId = await db.Set<Application>()
            .Where(a => a.ProgramId == programId && a.UserId == actor.UserId && a.Role == programRole)
            .Select(a => (Guid?)a.Id).SingleOrDefaultAsync(ct);
        MyApplicationView? mine = null;
        if (mineId is { } id)
        {
            mine = (await getMine.RunAsync(actor, id, ct)).Value;
        }
        var current = await ApplicationRules.CurrentFormAsync(db, programId, programRole.Value, ct);
        var zone = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.TimeZoneId).SingleOrDefaultAsync(ct) ?? "UTC";
        if (mine is not null && (mine.Status != ApplicationStatus.Draft || current is null || current.Version == mine.FormVersion))
        {
            return new ApplicationForm(program.Value!, programRole.Value, mine.FormVersion, mine.Questions, mine, zone);
        }
        // A draft on an older version is shown on the current one with the answers that still apply.
        var questions = current?.Questions() ?? [];
        if (mine is not null)
        {
            mine = mine with { Answers = AnswerSheet.CarryOver(questions, mine.Answers.ToDictionary()), Questions = questions, FormVersion = current?.Version };
        }
        return new ApplicationForm(program.Value!, programRole.Value, current?.Version, questions, mine, zone);
    }
}

/// <summary>
/// The applicant saves a draft of, or submits, their application for a role. Only while the program is
/// recruiting (409 otherwise); a submitted application is no longer edited. A draft moves to the role's
/// current form version, keeping the answers that still apply.
/// </summary>
public sealed class SaveApplication(TandemDb db, GetMyApplication getMine, TimeProvider clock)
{
    public async Task<Outcome<MyApplicationView>> RunAsync(Actor actor, Guid programId, string? role, SaveApplicationRequest request, CancellationToken ct = default)
    {
        var program = await db.Programs.Where(p => p.Id == programId).AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No such program.");
        }
        if (ScreeningAccess.CheckRole(program, role, out var programRole) is { } wrongRole)
        {
            return wrongRole;
        }
        if (program.Status != ProgramStatus.Recruiting)
        {
            return new Conflict("This program is not taking applications right now.");
        }
        var application = await db.Set<Application>()
            .SingleOrDefaultAsync(a => a.ProgramId == programId && a.UserId == actor.UserId && a.Role == programRole, ct);
        if (application is not null && application.Status != ApplicationStatus.Draft)
        {
            return new Conflict($"Your application is already {application.Status.ToString().ToLowerInvariant()} and can no longer be changed.");
        }
        var form = await ApplicationRules.CurrentFormAsync(db, programId, programRole, ct);
        var questions = form?.Questions() ?? [];
        var (answers, errors) = AnswerSheet.Check(questions, request.Answers, complete: request.Submit);

        var includesMinors = await db.Organisations.Where(o => o.Id == program.OrganisationId).Select(o => o.IncludesMinors).SingleAsync(ct);
        int? age = includesMinors ? request.Age : null;
        var minor = age is < 18;
        var guardianName = minor ? Trimmed(request.GuardianName) : null;
        var guardianEmail = minor ? Trimmed(request.GuardianEmail) : null;
        if (age is not (null or (>= 5 and <= 120)))
        {
            errors[nameof(request.Age)] = ["Give an age between 5 and 120."];
        }
        if (guardianName?.Length > 120)
        {
            errors[nameof(request.GuardianName)] = ["Keep the name to 120 characters or fewer."];
        }
        if (guardianEmail is not null && (guardianEmail.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(guardianEmail, out _)))
        {
            errors[nameof(request.GuardianEmail)] = ["Give a valid e-mail address for the parent or guardian."];
        }
        if (request.Submit)
        {
            if (!request.AcceptsCodeOfConduct)
            {
                errors[nameof(request.AcceptsCodeOfConduct)] = ["Accept the program's code of conduct to apply."];
            }
            if (includesMinors && age is null)
            {
                errors[nameof(request.Age)] = ["Give your age."];
            }
            if (minor && guardianName is null)
            {
                errors[nameof(request.GuardianName)] = ["Under 18: give a parent's or guardian's name."];
            }
            if (minor && guardianEmail is null)
            {
                errors[nameof(request.GuardianEmail)] = ["Under 18: give a parent's or guardian's e-mail address."];
            }
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (application is null)
        {
            application = new Application(programId, actor.UserId, programRole, form?.Id, now);
            db.Add(application);
        }
        application.SaveDraft(form?.Id, AnswerSheet.Serialize(answers), request.AcceptsCodeOfConduct, age, guardianName, guardianEmail, now);
        if (request.Submit)
        {
            application.Submit(now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Conflict("Your application was saved from elsewhere at the same moment; reload and try again.");
        }
        return await getMine.RunAsync(actor, application.Id, ct);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One of the actor's own applications; anybody else's is simply not found.</summary>
public sealed class GetMyApplication(TandemDb db)
{
    public async Task<Outcome<MyApplicationView>> RunAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var row = await db.Set<Application>()
            .Where(a => a.Id == applicationId && a.UserId == actor.UserId)
            .Select(a => new
            {
                Application = a,
                ProgramName = db.Programs.Where(p => p.Id == a.ProgramId).Select(p => p.Name).Single(),
                Version = a.Questionnaire != null ? (int?)a.Questionnaire.Version : null,
                QuestionsJson = a.Questionnaire != null ? a.Questionnaire.QuestionsJson : null,
            })
            .AsNoTracking().SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return new NotFound("No application of yours has this id.");
        }
        var a = row.Application;
        return new MyApplicationView(a.Id, a.ProgramId, row.ProgramName, a.Role, a.Status, row.Version,
            row.QuestionsJson is null ? [] : Questionnaire.Parse(row.QuestionsJson), AnswerSheet.Parse(a.AnswersJson),
            a.CodeOfConductAcceptedAt is not null, a.Age, a.GuardianName, a.GuardianEmail,
            a.CreatedAt, a.UpdatedAt, a.SubmittedAt, a.DecidedAt, a.DecisionMessage);
    }
}

/// <summary>The actor's applications across programs, newest first, with their status.</summary>
public sealed class ListMyApplications(TandemDb db)
{
    public async Task<Paged<MyApplicationSummary>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<Application>().Where(a => a.UserId == actor.UserId);
        var total = await mine.CountAsync(ct);
        var items = await mine
            .OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.Id)
            .Page(paging)
            .Select(a => new MyApplicationSummary(a.Id, a.ProgramId,
                db.Programs.Where(p => p.Id == a.ProgramId).Select(p => p.Name).Single(),
                a.Role, a.Status, a.UpdatedAt, a.SubmittedAt, a.DecidedAt, a.DecisionMessage))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}

internal static class ApplicationRules
{
    public static Task<Questionnaire?> CurrentFormAsync(TandemDb db, Guid programId, ProgramRole role, CancellationToken ct) =>
        db.Set<Questionnaire>().Where(q => q.ProgramId == programId && q.Role == role)
            .OrderByDescending(q => q.Version).AsNoTracking().FirstOrDefaultAsync(ct);
}
