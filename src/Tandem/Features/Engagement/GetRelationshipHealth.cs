using Microsoft.EntityFrameworkCore;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

/// <summary>
/// One relationship's health, for its members and the program's coordinators; the members' without the fit check's
/// private "No" (ADR 20), which only the coordinators read. A read by anyone but a member (the pair, its meetings, last
/// contact and a poor-fit reason) is written to the audit log for the minors among the members, as GetRelationship's is.
/// </summary>
public sealed class GetRelationshipHealth(RelationshipAccess relationships, EngagementHealth health, Privacy.AuditLog audit)
{
    public async Task<Outcome<RelationshipHealth>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var readable = relationships.Readable(actor).Where(r => r.Id == relationshipId);
        var relationship = await relationships.FindReadableAsync(actor, relationshipId, ct);
        var found = relationship is null ? [] : await health.ForIdsAsync([relationship.Id], ct, forMembers: relationship.IsMember);
        if (found.Count == 1)
        {
            if (!relationship!.IsMember)
            {
                await audit.RecordAsync(actor, found[0].Members.Select(m => m.UserId).ToList(), Privacy.AuditRecord.Relationship, relationshipId,
                    found[0].ProgramId, "Reading a relationship's health", ct);
            }
            return found[0];
        }
        return await readable.AnyAsync(ct)
            ? new Conflict("This relationship has ended; it no longer has a health status.")
            : new NotFound("No relationship with this id is visible to you.");
    }
}
