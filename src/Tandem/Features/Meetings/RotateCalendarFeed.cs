using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>
/// A person's private calendar feed. The URL holds a secret token shown once (only its hash is stored);
/// making a new one revokes the old one.
/// </summary>
public sealed class RotateCalendarFeed(TandemDb db, IOptions<EmailOptions> options, TimeProvider clock)
{
    /// <summary>Creates the feed, or replaces its token (the old URL stops working).</summary>
    public async Task<CalendarFeedView> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var token = MeetingCalendar.NewToken();
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.SaveOverFirstAsync(async () =>
        {
            var feed = await db.Set<CalendarFeed>().SingleOrDefaultAsync(f => f.UserId == actor.UserId, ct);
            if (feed is null)
            {
                db.Add(new CalendarFeed(actor.UserId, MeetingCalendar.Hash(token), now));
            }
            else
            {
                feed.Rotate(MeetingCalendar.Hash(token), now);
            }
            return new CalendarFeedView(true, options.Value.Link(CalendarFeed.PathOf(token)), now);
        }, ct);
    }
}
