using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Notifications;

/// <summary>How many of the actor's notifications are unread (the bell's count).</summary>
public sealed class CountUnreadNotifications(TandemDb db)
{
    public Task<int> RunAsync(Actor actor, CancellationToken ct = default) =>
        db.Set<Notification>().CountAsync(n => n.UserId == actor.UserId && n.ReadAt == null, ct);
}
