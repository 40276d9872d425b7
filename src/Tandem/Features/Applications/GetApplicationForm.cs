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
            // A withheld answer (a sensitive question answered without consent) is carried only into a question still asked as
            // sensitive: pre-filled in one asked openly, the next save would hand it to reviewers and matching. It stays withheld.
            var withheld = mine.Questions.Where(q => q.Sensitive && !mine.SensitiveConsents.Contains(q.Id)).Select(q => q.Id).ToHashSet();
            var stillSensitive = questions.Where(q => q.Sensitive).Select(q => q.Id).ToHashSet();
            var carried = mine.Answers.Where(x => !withheld.Contains(x.Key) || stillSensitive.Contains(x.Key)).ToDictionary();
            mine = mine with { Answers = AnswerSheet.CarryOver(questions, carried), Questions = questions, FormVersion = current?.Version };
        }
        return new ApplicationForm(program.Value!, programRole.Value, current?.Version, questions, mine, zone);
    }
}
