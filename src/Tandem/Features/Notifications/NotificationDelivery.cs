using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Notifications;

/// <summary>What became of a notification's e-mail copy.</summary>
public enum EmailDelivery
{
    /// <summary>Handed to the mail server.</summary>
    Sent,

    /// <summary>In the outbox, waiting for another attempt.</summary>
    Queued,

    /// <summary>The outbox gave up on it (see the operator's `tandem mail queue`).</summary>
    Failed,

    /// <summary>No e-mail copy: the person turned e-mail off, or has no address.</summary>
    NotEmailed,
}

/// <summary>How someone was told: in the app when, and what became of the e-mail copy.</summary>
public sealed record DeliveryView(DateTime NotifiedAt, EmailDelivery Email, DateTime? EmailedAt)
{
    /// <summary>One sentence for a coordinator, e.g. "Told on 3 Feb 2027 by e-mail and in the app".</summary>
    public string Sentence => $"Told on {NotifiedAt:d MMM yyyy} " + Email switch
    {
        EmailDelivery.Sent => "by e-mail and in the app",
        EmailDelivery.Queued => "in the app; the e-mail is queued and will be retried",
        EmailDelivery.Failed => "in the app; the e-mail could not be sent",
        _ => "in the app only (no e-mail: turned off or no address)",
    };
}

/// <summary>
/// Reads how notifications reached their people, from the notification rows and the outbox rows about them
/// (for features that show a coordinator "who has been told"). A purged outbox row of a sent e-mail still
/// reads as sent: the notification keeps its EmailedAt.
/// </summary>
public sealed class NotificationDelivery(TandemDb db)
{
    public async Task<IReadOnlyDictionary<Guid, DeliveryView>> ForAsync(IReadOnlyCollection<Guid> notificationIds, CancellationToken ct = default)
    {
        var ids = notificationIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, DeliveryView>();
        }
        var notifications = await db.Set<Notification>().Where(n => ids.Contains(n.Id))
            .Select(n => new { n.Id, n.CreatedAt, n.EmailedAt }).ToListAsync(ct);
        var mail = await db.Set<OutgoingEmail>()
            .Where(e => e.ReferenceKind == Notify.MailReference && e.ReferenceId != null && ids.Contains(e.ReferenceId.Value))
            .Select(e => new { Id = e.ReferenceId!.Value, e.SentAt, e.GaveUpAt, e.CreatedAt }).ToListAsync(ct);
        var latest = mail.GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.OrderByDescending(m => m.CreatedAt).First());
        return notifications.ToDictionary(n => n.Id, n =>
        {
            if (n.EmailedAt is not null)
            {
                return new DeliveryView(n.CreatedAt, EmailDelivery.Sent, n.EmailedAt);
            }
            if (!latest.TryGetValue(n.Id, out var row))
            {
                return new DeliveryView(n.CreatedAt, EmailDelivery.NotEmailed, null);
            }
            return row.SentAt is { } sent ? new DeliveryView(n.CreatedAt, EmailDelivery.Sent, sent)
                : row.GaveUpAt is not null ? new DeliveryView(n.CreatedAt, EmailDelivery.Failed, null)
                : new DeliveryView(n.CreatedAt, EmailDelivery.Queued, null);
        });
    }
}
