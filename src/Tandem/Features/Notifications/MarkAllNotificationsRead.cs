using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Notifications;

/// <summary>Marks every unread notification of the actor read.</summary>
public sealed class MarkAllNotificationsRead(TandemDb db, TimeProvider clock)
{
    /// <returns>How many were unread.</returns>
    public Task<int> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.Set<Notification>()
            .Where(n => n.UserId == actor.UserId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }
}
