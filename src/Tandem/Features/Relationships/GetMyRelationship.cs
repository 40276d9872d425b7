using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>One of the actor's own relationships, as a member reads it; 404 for a relationship they are not in.</summary>
public sealed class GetMyRelationship(RelationshipAccess access)
{
    public async Task<Outcome<MyRelationshipView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var views = await access.MyViewsAsync(actor, relationshipId, null, PageRequest.Clamp(1, 1), ct);
        return views.Count == 1 ? views[0] : new NotFound("You are not a member of a relationship with this id.");
    }
}
