using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A named survey's answers person by person, newest first, for its coordinators. An anonymous survey has no such
/// list: its answers are linked to nobody, so the request is refused (409) rather than answered with an empty page.
/// </summary>
public sealed class ListSurveyResponses(TandemDb db, SurveyAccess access)
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
        return paging.Of(rows.Select(r => new NamedResponseView(r.Id, r.UserId, r.DisplayName, r.Role, r.SubmittedAt!.Value, AnswerSheet.Parse(r.AnswersJson))).ToList(), total);
    }
}
