using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.CheckIns;

/// <summary>A relationship's check-ins, newest first, for its members and the program's coordinators.</summary>
public sealed class ListCheckIns(TandemDb db, RelationshipAccess relationships)
{
    public async Task<Outcome<Paged<CheckInView>>> RunAsync(Actor actor, Guid relationshipId, int page, int pageSize, CancellationToken ct = default)
    {
        if (!await relationships.Readable(actor).AnyAsync(r => r.Id == relationshipId, ct))
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var checkIns = db.Set<CheckIn>().Where(c => c.RelationshipId == relationshipId);
        var total = await checkIns.CountAsync(ct);
        var items = await checkIns
            .OrderByDescending(c => c.OccurredAt).ThenByDescending(c => c.Id)
            .Page(paging)
            .Join(db.Users, c => c.AuthorUserId, u => u.Id, (c, u) => new CheckInView(
                c.Id, c.RelationshipId, c.MeetingId, c.AuthorUserId, u.DisplayName, c.Happened, c.Topics, c.Progress,
                c.Challenges, c.NextSteps, c.Rating, c.OccurredAt, c.CreatedAt, c.UpdatedAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
