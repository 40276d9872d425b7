using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>One of the actor's own relationships, as a member reads it; 404 for a relationship they are not in.</summary>
public sealed class GetMyRelationship(TandemDb db, RelationshipAccess access)
{
    public async Task<Outcome<MyRelationshipView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var views = await access.ToMyViewsAsync(actor, db.Set<Relationship>()
            .Where(r => r.Id == relationshipId && r.Members.Any(m => m.UserId == actor.UserId)), ct);
        return views.Count == 1 ? views[0] : new NotFound("You are not a member of a relationship with this id.");
    }
}
