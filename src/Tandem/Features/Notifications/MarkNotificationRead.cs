using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Notifications;

/// <summary>
/// Marks one of the actor's notifications read (someone else's is not found): one conditional update, so a notice deleted
/// meanwhile (retention, an erasure, the person's own clearing) is 404, never a failed save; marking it again keeps the
/// first time it was read.
/// </summary>
public sealed class MarkNotificationRead(TandemDb db, TimeProvider clock)
{
    public const string NotYours = "You have no notification with this id.";

    public async Task<Outcome<NotificationView>> RunAsync(Actor actor, Guid notificationId, CancellationToken ct = default)
    {
        DateTime? now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.Set<Notification>().Where(n => n.Id == notificationId && n.UserId == actor.UserId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, n => n.ReadAt ?? now), ct);
        if (changed == 0)
        {
            return new NotFound(NotYours);
        }
        var view = await db.Set<Notification>().AsNoTracking().Where(n => n.Id == notificationId && n.UserId == actor.UserId)
            .Select(n => new NotificationView(n.Id, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt, n.EmailedAt != null))
            .SingleOrDefaultAsync(ct);
        return view is null ? new NotFound(NotYours) : view;
    }
}
