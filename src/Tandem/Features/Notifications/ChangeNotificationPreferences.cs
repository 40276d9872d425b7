using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Notifications;

public sealed record NotificationPreferenceView(bool Email, bool InApp);

public sealed class NotificationPreferenceRequest
{
    /// <summary>Also e-mail notifications (in-app notifications are always kept).</summary>
    public bool Email { get; set; }
}

/// <summary>Changes the actor's own channel choice.</summary>
public sealed class ChangeNotificationPreferences(TandemDb db, TimeProvider clock)
{
    public async Task<NotificationPreferenceView> RunAsync(Actor actor, NotificationPreferenceRequest request, CancellationToken ct = default)
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
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two saves of the first preference at once: the other one won; apply ours over it.
            db.ChangeTracker.Clear();
            await db.Set<NotificationPreference>().Where(p => p.UserId == actor.UserId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Email, request.Email).SetProperty(p => p.UpdatedAt, now), ct);
        }
        return new NotificationPreferenceView(request.Email, InApp: true);
    }
}
