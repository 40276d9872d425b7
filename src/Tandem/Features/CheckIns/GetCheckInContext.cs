using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.CheckIns;

/// <param name="Mine">What the reader recorded for it, so that correcting it starts from that rather than from an empty form (which saved would wipe it).</param>
public sealed record MeetingToCheckIn(Guid MeetingId, DateTime StartsAt, bool CheckedIn, MyCheckIn? Mine = null);

public sealed record MyCheckIn(bool Happened, string Topics, string? Progress, string? Challenges, string? NextSteps, int? Rating);

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
        var ids = meetings.Where(m => m.CheckedIn).Select(m => m.MeetingId).ToList();
        if (ids.Count > 0)
        {
            var mine = await db.Set<CheckIn>().AsNoTracking()
                .Where(c => c.MeetingId != null && ids.Contains(c.MeetingId.Value) && c.AuthorUserId == actor.UserId)
                .Select(c => new { MeetingId = c.MeetingId!.Value, Mine = new MyCheckIn(c.Happened, c.Topics, c.Progress, c.Challenges, c.NextSteps, c.Rating) })
                .ToListAsync(ct);
            meetings = meetings.Select(m => m with { Mine = mine.FirstOrDefault(x => x.MeetingId == m.MeetingId)?.Mine }).ToList();
        }
        return new CheckInContext(relationshipId, relationship.Me is not null, relationship.Me,
            relationship.Status is RelationshipStatus.Active or RelationshipStatus.Paused, meetings);
    }
}
