using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Notifications;

/// <summary>Records the e-mail copy of a notification that the outbox delivered on a later attempt.</summary>
public sealed class NotificationEmailed(TandemDb db) : IMailDeliveryListener
{
    public string ReferenceKind => Notify.MailReference;

    public Task DeliveredAsync(IReadOnlyCollection<Guid> referenceIds, DateTime at, CancellationToken ct) =>
        db.Set<Notification>().Where(n => referenceIds.Contains(n.Id) && n.EmailedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.EmailedAt, at), ct);
}
