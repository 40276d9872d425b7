using Microsoft.EntityFrameworkCore;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

/// <summary>One relationship's health, for its members and the program's coordinators.</summary>
public sealed class GetRelationshipHealth(RelationshipAccess relationships, EngagementHealth health)
{
    public async Task<Outcome<RelationshipHealth>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var readable = relationships.Readable(actor).Where(r => r.Id == relationshipId);
        var found = await health.ForIdsAsync(await readable.Select(r => r.Id).ToListAsync(ct), ct);
        if (found.Count == 1)
        {
            return found[0];
        }
        return await readable.AnyAsync(ct)
            ? new Conflict("This relationship has ended; it no longer has a health status.")
            : new NotFound("No relationship with this id is visible to you.");
    }
}
