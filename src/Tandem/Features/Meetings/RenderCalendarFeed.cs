using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Meetings;

/// <summary>The meetings of the feed's owner as iCalendar, from 90 days back, for calendar apps that poll the URL.</summary>
public sealed class RenderCalendarFeed(TandemDb db, IOptions<EmailOptions> options, TimeProvider clock)
{
    /// <summary>The feed's iCalendar text, or null when the token is unknown or revoked.</summary>
    public async Task<string?> RunAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var hash = MeetingCalendar.Hash(token);
        // A disabled account's feed is gone (DisableUser deletes it); the owner check stands for a feed left from before.
        var userId = await db.Set<CalendarFeed>().Where(f => f.TokenHash == hash && db.Users.Any(u => u.Id == f.UserId && !u.IsDisabled))
            .Select(f => (Guid?)f.UserId).SingleOrDefaultAsync(ct);
        if (userId is null)
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now.AddDays(-CalendarFeed.PastDays);
        var mine = db.Set<RelationshipMember>().Where(m => m.UserId == userId).Select(m => m.RelationshipId);
        var meetings = await db.Set<Meeting>()
            .Where(m => mine.Contains(m.RelationshipId) && m.StartsAt >= since && m.Status != MeetingStatus.Declined)
            .OrderBy(m => m.StartsAt).Take(CalendarFeed.MaxEvents).AsNoTracking().ToListAsync(ct);
        var relationshipIds = meetings.Select(m => m.RelationshipId).Distinct().ToList();
        var people = await MeetingMailer.PeopleAsync(db, relationshipIds, ct);
        // A relationship that ended (completed, ended early, re-matched) holds no more meetings: its future ones, still
        // proposed or accepted in the database, are cancelled in the feed so that they leave the members' calendars.
        var ended = (await db.Set<Relationship>()
            .Where(r => relationshipIds.Contains(r.Id) && (r.Status == RelationshipStatus.Completed || r.Status == RelationshipStatus.EndedEarly))
            .Select(r => r.Id).ToListAsync(ct)).ToHashSet();
        var email = options.Value;
        return MeetingCalendar.Write(meetings.Select(m => (m, people.GetValueOrDefault(m.RelationshipId, []))), "PUBLISH", now,
            m => email.Link(MeetingMailer.MeetingPath(m)), userId.Value, email.Sender().Address, "Tandem meetings", await GroupAnswers.ForAsync(db, meetings, ct),
            cancelled: m => m.StartsAt > now && ended.Contains(m.RelationshipId));
    }
}
