using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Meetings;

public sealed record CalendarFeedView(bool Exists, string? Url, DateTime? CreatedAt);

/// <summary>
/// A person's private calendar feed. The URL holds a secret token shown once (only its hash is stored);
/// making a new one revokes the old one, and revoking leaves no working URL.
/// </summary>
public sealed class CalendarFeeds(TandemDb db, IOptions<EmailOptions> options, TimeProvider clock)
{
    public const int PastDays = 90;
    public const int MaxEvents = 1000;

    public static string FeedPath(string token) => $"/calendar/{token}.ics";

    public async Task<CalendarFeedView> StatusAsync(Actor actor, CancellationToken ct = default)
    {
        var createdAt = await db.Set<CalendarFeed>().Where(f => f.UserId == actor.UserId).Select(f => (DateTime?)f.CreatedAt).SingleOrDefaultAsync(ct);
        return new CalendarFeedView(createdAt is not null, null, createdAt);
    }

    /// <summary>Creates the feed, or replaces its token (the old URL stops working).</summary>
    public async Task<CalendarFeedView> RotateAsync(Actor actor, CancellationToken ct = default)
    {
        var token = MeetingCalendar.NewToken();
        var now = clock.GetUtcNow().UtcDateTime;
        var feed = await db.Set<CalendarFeed>().SingleOrDefaultAsync(f => f.UserId == actor.UserId, ct);
        if (feed is null)
        {
            db.Add(new CalendarFeed(actor.UserId, MeetingCalendar.Hash(token), now));
        }
        else
        {
            feed.Rotate(MeetingCalendar.Hash(token), now);
        }
        await db.SaveChangesAsync(ct);
        return new CalendarFeedView(true, options.Value.Link(FeedPath(token)), now);
    }

    public async Task RevokeAsync(Actor actor, CancellationToken ct = default) =>
        await db.Set<CalendarFeed>().Where(f => f.UserId == actor.UserId).ExecuteDeleteAsync(ct);

    /// <summary>The feed's iCalendar text, or null when the token is unknown or revoked.</summary>
    public async Task<string?> RenderAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return null;
        }
        var hash = MeetingCalendar.Hash(token);
        var userId = await db.Set<CalendarFeed>().Where(f => f.TokenHash == hash).Select(f => (Guid?)f.UserId).SingleOrDefaultAsync(ct);
        if (userId is null)
        {
            return null;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var since = now.AddDays(-PastDays);
        var mine = db.Set<RelationshipMember>().Where(m => m.UserId == userId).Select(m => m.RelationshipId);
        var meetings = await db.Set<Meeting>()
            .Where(m => mine.Contains(m.RelationshipId) && m.StartsAt >= since && m.Status != MeetingStatus.Declined)
            .OrderBy(m => m.StartsAt).Take(MaxEvents).AsNoTracking().ToListAsync(ct);
        var people = await MeetingMailer.PeopleAsync(db, meetings.Select(m => m.RelationshipId).Distinct().ToList(), ct);
        var email = options.Value;
        return MeetingCalendar.Write(meetings.Select(m => (m, people.GetValueOrDefault(m.RelationshipId, []))), "PUBLISH", now,
            m => email.Link(MeetingMailer.MeetingPath(m)), "Tandem meetings", await GroupAnswers.ForAsync(db, meetings, ct));
    }
}
