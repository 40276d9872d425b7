using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.CheckIns;

public sealed record MeetingToCheckIn(Guid MeetingId, DateTime StartsAt, bool CheckedIn);

public sealed record CheckInContext(Guid RelationshipId, bool IsMember, ProgramRole? MyRole, bool IsOpen, IReadOnlyList<MeetingToCheckIn> RecentMeetings);

/// <summary>What the check-in form needs: may the actor record, and which recent meetings are there to check in on.</summary>
public sealed class GetCheckInContext(TandemDb db, RelationshipAccess relationships, TimeProvider clock)
{
    public async Task<Outcome<CheckInContext>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var relationship = await relationships.Readable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.Status, Me = r.Members.Where(m => m.UserId == actor.UserId).Select(m => (ProgramRole?)m.Role).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var meetings = relationship.Me is null
            ? []
            : await db.Set<Meeting>()
                .Where(m => m.RelationshipId == relationshipId && m.Status == MeetingStatus.Accepted && m.StartsAt <= now)
                .OrderByDescending(m => m.StartsAt).Take(10)
                .Select(m => new MeetingToCheckIn(m.Id, m.StartsAt, db.Set<CheckIn>().Any(c => c.MeetingId == m.Id && c.AuthorUserId == actor.UserId)))
                .ToListAsync(ct);
        return new CheckInContext(relationshipId, relationship.Me is not null, relationship.Me,
            relationship.Status is RelationshipStatus.Active or RelationshipStatus.Paused, meetings);
    }
}
