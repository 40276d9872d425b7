using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>The actor's own relationships across programs: open ones first, then history, newest first.</summary>
public sealed class ListMyRelationships(TandemDb db, RelationshipAccess access)
{
    public async Task<Outcome<Paged<MyRelationshipView>>> RunAsync(Actor actor, RelationshipListQuery query, CancellationToken ct = default)
    {
        // "?status=7" binds as a number: it is no status, not an empty list (ADR 126).
        if (query.Status is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field("status", "Ask for Active, Paused, Completed or EndedEarly.");
        }
        var page = PageRequest.Clamp(query.Page, query.PageSize);
        var mine = db.Set<Relationship>().Where(r => RelationshipAccess.MemberOf(db, actor).Contains(r.Id));
        if (query.Status is { } status)
        {
            mine = mine.Where(r => r.Status == status);
        }
        var items = await access.MyViewsAsync(actor, null, query.Status, page, ct);
        return page.Of(items, await page.TotalAsync(mine, items.Count, ct));
    }
}
