using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Meetings;

/// <summary>Deletes the actor's calendar feed: no URL of it works any more.</summary>
public sealed class RevokeCalendarFeed(TandemDb db)
{
    public async Task RunAsync(Actor actor, CancellationToken ct = default) =>
        await db.Set<CalendarFeed>().Where(f => f.UserId == actor.UserId).ExecuteDeleteAsync(ct);
}
