using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Meetings;

/// <summary>
/// A meeting is visible to the members of its relationship, the program's coordinators and administrators;
/// to everyone else it does not exist (404). Built on <see cref="RelationshipAccess"/> so both agree.
/// </summary>
public sealed class MeetingAccess(TandemDb db, RelationshipAccess relationships)
{
    public IQueryable<Meeting> Visible(Actor actor)
    {
        var readable = relationships.Readable(actor).Select(r => r.Id);
        return db.Set<Meeting>().Where(m => readable.Contains(m.RelationshipId));
    }

    /// <summary>The relationship when the actor may read it, with their place in it and its program's meeting rules (one compiled query).</summary>
    public Task<ReadableRelationship?> FindRelationshipAsync(Actor actor, Guid relationshipId, CancellationToken ct) =>
        relationships.FindReadableAsync(actor, relationshipId, ct);

    /// <summary>The person's IANA zone ("UTC" when unknown).</summary>
    public async Task<string> ZoneOfAsync(Guid userId, CancellationToken ct = default) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.TimeZoneId).SingleOrDefaultAsync(ct) ?? "UTC";

    public IQueryable<Guid> ManagedProgramIds(Actor actor) => relationships.ManagedProgramIds(actor);
}
