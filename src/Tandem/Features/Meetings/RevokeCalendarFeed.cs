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

/// <summary>A disabled account's calendar feed is deleted with the disabling (its URL works without signing in).</summary>
public sealed class DeleteCalendarFeedOfDisabledAccount(TandemDb db) : Accounts.IAccountDisabledListener
{
    public async Task AccountDisabledAsync(Guid userId, CancellationToken ct) =>
        await db.Set<CalendarFeed>().Where(f => f.UserId == userId).ExecuteDeleteAsync(ct);
}
