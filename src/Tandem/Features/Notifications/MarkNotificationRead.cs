using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Notifications;

/// <summary>Marks one of the actor's notifications read (someone else's is not found).</summary>
public sealed class MarkNotificationRead(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<NotificationView>> RunAsync(Actor actor, Guid notificationId, CancellationToken ct = default)
    {
        var notification = await db.Set<Notification>().SingleOrDefaultAsync(n => n.Id == notificationId && n.UserId == actor.UserId, ct);
        if (notification is null)
        {
            return new NotFound("You have no notification with this id.");
        }
        notification.MarkRead(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        var n = notification;
        return new NotificationView(n.Id, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt, n.EmailedAt != null);
    }
}
