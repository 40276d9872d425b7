using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>The form someone is about to fill in: the program, the current questions and their own application if any.</summary>
public sealed record ApplicationForm(PublicProgramView Program, ProgramRole Role, int? FormVersion, IReadOnlyList<Question> Questions, MyApplicationView? Mine, string TimeZoneId);

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
        if (mine is not null && (!(mine.Status is ApplicationStatus.Draft or ApplicationStatus.Submitted) || current is null || current.Version == mine.FormVersion))
        {
            return new ApplicationForm(program.Value!, programRole.Value, mine.FormVersion, mine.Questions, mine, zone);
        }
        // An undecided application on an older version is shown on the current one with the answers that still apply.
        var questions = current?.Questions() ?? [];
        if (mine is not null)
        {
            // A sensitive answer is carried only into a question still asked as sensitive, a private one only into a question
            // still private: pre-filled in one asked openly, the next save would hand it to reviewers, staff and matching (ADR 104).
            var consents = mine.SensitiveConsents.Where(id => questions.Any(q => q.Id == id && q.Sensitive)).ToList();
            mine = mine with { Answers = AnswerSheet.CarryOver(mine.Questions, questions, mine.Answers), Questions = questions, FormVersion = current?.Version, SensitiveConsents = consents };
        }
        return new ApplicationForm(program.Value!, programRole.Value, current?.Version, questions, mine, zone);
    }

    /// <summary>
    /// The questions of one version of a role's form (none when there is no such version): what an applicant's page showed
    /// when the form changed under it, so that what they typed is carried to the current version by the old version's flags.
    /// </summary>
    public async Task<IReadOnlyList<Question>> QuestionsOfVersionAsync(Guid programId, ProgramRole role, int version, CancellationToken ct = default)
    {
        var json = await db.Set<Questionnaire>().Where(q => q.ProgramId == programId && q.Role == role && q.Version == version)
            .Select(q => q.QuestionsJson).SingleOrDefaultAsync(ct);
        return json is null ? [] : Questionnaire.Parse(json);
    }
}
