using Microsoft.EntityFrameworkCore;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

/// <summary>
/// One relationship's health, for its members and the program's coordinators; the members' without the fit check's
/// private "No" (ADR 20), which only the coordinators read.
/// </summary>
public sealed class GetRelationshipHealth(RelationshipAccess relationships, EngagementHealth health)
{
    public async Task<Outcome<RelationshipHealth>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var readable = relationships.Readable(actor).Where(r => r.Id == relationshipId);
        var relationship = await relationships.FindReadableAsync(actor, relationshipId, ct);
        var found = relationship is null ? [] : await health.ForIdsAsync([relationship.Id], ct, forMembers: relationship.IsMember);
        if (found.Count == 1)
        {
            return found[0];
        }
        return await readable.AnyAsync(ct)
            ? new Conflict("This relationship has ended; it no longer has a health status.")
            : new NotFound("No relationship with this id is visible to you.");
    }
}
