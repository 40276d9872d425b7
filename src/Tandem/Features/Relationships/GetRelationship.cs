using Microsoft.EntityFrameworkCore;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>
/// One relationship with its coordinator-only fields, for the program's coordinators and administrators; a
/// member who does not manage it is sent to <see cref="GetMyRelationship"/> (403), anyone else finds nothing (404).
/// </summary>
public sealed class GetRelationship(RelationshipAccess access, Privacy.AuditLog audit)
{
    public async Task<Outcome<RelationshipView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var views = await access.ToViewsAsync(access.Manageable(actor).Where(r => r.Id == relationshipId), ct);
        if (views.Count == 1)
        {
            await audit.RecordAsync(actor, views[0].Members.Select(m => m.UserId).ToList(), Privacy.AuditRecord.Relationship, relationshipId, views[0].ProgramId,
                "Managing a relationship", ct);
            return views[0];
        }
        return await access.Readable(actor).AnyAsync(r => r.Id == relationshipId, ct)
            ? new Forbidden($"Members read their relationship at /api/v1/relationships/mine/{relationshipId}.")
            : new NotFound("No relationship with this id is visible to you.");
    }
}
