using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Meetings;

public sealed record CalendarFeedView(bool Exists, string? Url, DateTime? CreatedAt);

/// <summary>Whether the actor has a private calendar feed, and since when (its URL is shown only when made).</summary>
public sealed class GetCalendarFeed(TandemDb db)
{
    public async Task<CalendarFeedView> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var createdAt = await db.Set<CalendarFeed>().Where(f => f.UserId == actor.UserId).Select(f => (DateTime?)f.CreatedAt).SingleOrDefaultAsync(ct);
        return new CalendarFeedView(createdAt is not null, null, createdAt);
    }
}
