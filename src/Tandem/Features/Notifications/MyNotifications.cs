using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Notifications;

public sealed record NotificationView(Guid Id, string Title, string Body, string? Link, DateTime CreatedAt, DateTime? ReadAt, bool Emailed);

public sealed record NotificationPreferenceView(bool Email, bool InApp);

public sealed class NotificationPreferenceRequest
{
    /// <summary>Also e-mail notifications (in-app notifications are always kept).</summary>
    public bool Email { get; set; }
}

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

    public Task<int> UnreadCountAsync(Actor actor, CancellationToken ct = default) =>
        db.Set<Notification>().CountAsync(n => n.UserId == actor.UserId && n.ReadAt == null, ct);
}

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

    /// <returns>How many were unread.</returns>
    public Task<int> AllAsync(Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.Set<Notification>()
            .Where(n => n.UserId == actor.UserId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }
}

/// <summary>Reads and changes the actor's own channel choice.</summary>
public sealed class NotificationPreferences(TandemDb db, TimeProvider clock)
{
    public async Task<NotificationPreferenceView> GetAsync(Actor actor, CancellationToken ct = default)
    {
        var email = await db.Set<NotificationPreference>().Where(p => p.UserId == actor.UserId).Select(p => (bool?)p.Email).SingleOrDefaultAsync(ct);
        return new NotificationPreferenceView(email ?? NotificationPreference.EmailByDefault, InApp: true);
    }

    public async Task<NotificationPreferenceView> ChangeAsync(Actor actor, NotificationPreferenceRequest request, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var preference = await db.Set<NotificationPreference>().SingleOrDefaultAsync(p => p.UserId == actor.UserId, ct);
        if (preference is null)
        {
            db.Set<NotificationPreference>().Add(new NotificationPreference(actor.UserId, request.Email, now));
        }
        else
        {
            preference.Change(request.Email, now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two saves of the first preference at once: the other one won; apply ours over it.
            db.ChangeTracker.Clear();
            await db.Set<NotificationPreference>().Where(p => p.UserId == actor.UserId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Email, request.Email).SetProperty(p => p.UpdatedAt, now), ct);
        }
        return new NotificationPreferenceView(request.Email, InApp: true);
    }
}
