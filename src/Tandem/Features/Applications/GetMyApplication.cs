using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

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
        return View(row.Application, row.ProgramName, row.Version, row.QuestionsJson is null ? [] : Questionnaire.Parse(row.QuestionsJson));
    }

    /// <summary>The applicant's view of an application, from rows already loaded (saving builds it without reading again).</summary>
    internal static MyApplicationView View(Application a, string programName, int? formVersion, IReadOnlyList<Question> questions)
    {
        // The applicant sees every answer they gave, the ones withheld from use too, but a withheld one only beside a question
        // still asked as sensitive: shown (and so posted back) under one a newer form asks openly, it would reach reviewers and
        // matching without a new consent. It stays withheld.
        var sensitive = questions.Where(q => q.Sensitive).Select(q => q.Id).ToHashSet();
        var withheld = AnswerSheet.Parse(a.WithheldAnswersJson).Where(x => sensitive.Contains(x.Key));
        return new(a.Id, a.ProgramId, programName, a.Role, a.Status, formVersion, questions,
            AnswerSheet.Parse(a.AnswersJson).Concat(withheld).DistinctBy(x => x.Key).ToDictionary(),
            a.CodeOfConductAcceptedAt is not null, a.Age, a.GuardianName, a.GuardianEmail,
            a.CreatedAt, a.UpdatedAt, a.SubmittedAt, a.DecidedAt, a.DecisionMessage, a.SensitiveConsents().Keys.Order().ToList());
    }
}
