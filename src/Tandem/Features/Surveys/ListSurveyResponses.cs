using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A named survey's answers person by person, newest first, for its coordinators. An anonymous survey has no such
/// list: its answers are linked to nobody, so the request is refused (409) rather than answered with an empty page.
/// A read of minors' answers is written to the audit log first (ADR 40, ADR 99).
/// </summary>
public sealed class ListSurveyResponses(TandemDb db, SurveyAccess access, AuditLog audit)
{
    public async Task<Outcome<Paged<NamedResponseView>>> RunAsync(Actor actor, Guid surveyId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, surveyId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (found.Value!.Anonymous)
        {
            return new Conflict(SurveyText.NoListByPerson);
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var named = db.Set<SurveyResponse>().Where(r => r.SurveyId == surveyId && r.UserId != null)
            .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => new { r.Id, UserId = u.Id, u.DisplayName, r.Role, r.SubmittedAt, r.AnswersJson });
        var total = await named.CountAsync(ct);
        // Joined before paging, so the page is cut from the ordered list.
        var rows = await named.OrderByDescending(r => r.SubmittedAt).ThenBy(r => r.Id).Page(paging).ToListAsync(ct);
        var survey = found.Value!;
        await RecordAsync(audit, actor, survey.Id, survey.OrganisationId, survey.ProgramId, rows.Select(r => r.UserId).ToList(), ct);
        return paging.Of(rows.Select(r => new NamedResponseView(r.Id, r.UserId, r.DisplayName, r.Role, r.SubmittedAt!.Value, AnswerSheet.Parse(r.AnswersJson))).ToList(), total);
    }

    public const string Purpose = "Reading a named survey's answers";

    /// <summary>Writes the read of the minors among <paramref name="people"/>'s answers to the audit log, under the survey's organisation and program.</summary>
    public static Task RecordAsync(AuditLog audit, Actor actor, Guid surveyId, Guid organisationId, Guid? programId, IReadOnlyCollection<Guid> people,
        CancellationToken ct) =>
        audit.RecordInOrganisationAsync(actor, people, AuditRecord.SurveyAnswers, surveyId, organisationId, programId, Purpose, ct);
}
