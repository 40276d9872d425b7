using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Notifications;

/// <summary>How many of the actor's notifications are unread (the bell's count).</summary>
/// <remarks>Compiled once: the menu asks on every page a signed-in person opens (issue 17, ADR 60).</remarks>
public sealed class CountUnreadNotifications(TandemDb db)
{
    private static readonly Func<TandemDb, Guid, CancellationToken, Task<int>> Unread =
        EF.CompileAsyncQuery((TandemDb db, Guid userId, CancellationToken ct) =>
            db.Set<Notification>().Count(n => n.UserId == userId && n.ReadAt == null));

    public Task<int> RunAsync(Actor actor, CancellationToken ct = default) => Unread(db, actor.UserId, ct);
}
