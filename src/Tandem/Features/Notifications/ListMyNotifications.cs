using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Notifications;

/// <summary>The actor's own notifications, newest first (only ever their own).</summary>
public sealed class ListMyNotifications(TandemDb db)
{
    public async Task<Paged<NotificationView>> RunAsync(Actor actor, int page, int pageSize, bool unreadOnly, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<Notification>().Where(n => n.UserId == actor.UserId);
        if (unreadOnly)
        {
            mine = mine.Where(n => n.ReadAt == null);
        }
        var total = await mine.CountAsync(ct);
        var items = await mine
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Page(paging)
            .Select(n => new NotificationView(n.Id, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt, n.EmailedAt != null))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
