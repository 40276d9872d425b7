using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Notifications;

/// <summary>The actor's own choice per kind of notification (always their own: there is no id to guess).</summary>
public sealed class GetNotificationPreferences(TandemDb db, IOptions<DigestOptions> digest)
{
    public async Task<NotificationPreferenceView> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var stored = await db.Set<NotificationPreference>().Where(p => p.UserId == actor.UserId)
            .Select(p => new { p.Kind, p.Choice }).ToDictionaryAsync(p => p.Kind, p => p.Choice, ct);
        return NotificationPreferenceView.From(stored, digest.Value.Hour);
    }
}
