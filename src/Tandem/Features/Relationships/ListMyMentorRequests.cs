using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Relationships;

/// <summary>The actor's own self-match requests, as mentee or as mentor, newest first.</summary>
public sealed class ListMyMentorRequests(TandemDb db, MentorRequestViews views)
{
    public async Task<Paged<MentorRequestView>> RunAsync(Actor actor, int page, int pageSize, bool pendingOnly, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<MentorRequest>().Where(r => r.MenteeUserId == actor.UserId || r.MentorUserId == actor.UserId);
        if (pendingOnly)
        {
            mine = mine.Where(r => r.Status == MentorRequestStatus.Pending);
        }
        var items = await views.ViewsAsync(actor, mine.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id).Page(paging), ct);
        return paging.Of(items, await paging.TotalAsync(mine, items.Count, ct));
    }
}
