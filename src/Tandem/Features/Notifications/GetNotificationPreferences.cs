using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Notifications;

/// <summary>The actor's own channel choice.</summary>
public sealed class GetNotificationPreferences(TandemDb db)
{
    public async Task<NotificationPreferenceView> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var email = await db.Set<NotificationPreference>().Where(p => p.UserId == actor.UserId).Select(p => (bool?)p.Email).SingleOrDefaultAsync(ct);
        return new NotificationPreferenceView(email ?? NotificationPreference.EmailByDefault, InApp: true);
    }
}
