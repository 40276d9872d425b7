using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Recruitment;

/// <summary>Records an invitation e-mail that the outbox delivered on a later attempt.</summary>
public sealed class InvitationEmailed(TandemDb db) : IMailDeliveryListener
{
    public string ReferenceKind => InvitationMailer.MailReference;

    public Task DeliveredAsync(IReadOnlyCollection<Guid> referenceIds, DateTime at, CancellationToken ct) =>
        db.Set<Invitation>().Where(i => referenceIds.Contains(i.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.SentAt, at).SetProperty(i => i.SendCount, i => i.SendCount + 1), ct);
}
