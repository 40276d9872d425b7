using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Notifications;

/// <summary>
/// The consent gate (ADR 48) at each later attempt of the outbox (ADR 120), as ADR 105 made WhatsApp retries ask it: a
/// notice's e-mail (a meeting e-mail is one) or a digest queued before a guardian withdrew, and not sent at once, is given
/// up rather than delivered by the worker or `tandem mail retry`. The notice stays in the app. A digest listing a notice of
/// such a program is given up whole: its withheld notices stay in the app only, and the others wait for the next digest.
/// </summary>
public sealed class NotificationMailHoldBack(TandemDb db, IProgramConsent consent, IRelationshipPrograms relationshipPrograms) : IMailHoldBack
{
    /// <summary>The last error of a message held back.</summary>
    public const string Reason = "the program may no longer contact the recipient (consent)";

    public async Task<IReadOnlyCollection<Guid>> HoldBackAsync(IQueryable<OutgoingEmail> rows, DateTime now, CancellationToken ct)
    {
        // Held back before (a digest's notices no longer point at it): `mail retry` leaves them given up all the same.
        var before = await rows.Where(e => e.GaveUpAt != null && e.LastError == Reason).Select(e => e.Id).ToListAsync(ct);
        var notices = db.Set<Notification>();
        var copies = await rows.Where(e => e.ReferenceKind == Notify.MailReference)
            .Join(notices, e => e.ReferenceId, n => (Guid?)n.Id, (e, n) => new Item(e.Id, n.Id, n.UserId, n.ProgramId, n.Link))
            .ToListAsync(ct);
        var digests = await rows.Where(e => e.ReferenceKind == SendDailyDigests.MailReference)
            .Join(notices, e => e.ReferenceId, n => n.DigestId, (e, n) => new Item(e.Id, n.Id, n.UserId, n.ProgramId, n.Link))
            .ToListAsync(ct);
        if (copies.Count == 0 && digests.Count == 0)
        {
            return before;
        }
        var withheld = await WithheldAsync([.. copies, .. digests], ct);
        var heldCopies = copies.Where(c => withheld.Contains(c.NoticeId)).Select(c => c.RowId).Distinct().ToList();
        var heldDigests = digests.Where(d => withheld.Contains(d.NoticeId)).Select(d => d.RowId).Distinct().ToList();
        var held = heldCopies.Concat(heldDigests).ToList();
        if (held.Count == 0)
        {
            return before;
        }
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var given = await db.Set<OutgoingEmail>()
            .Where(e => held.Contains(e.Id) && e.SentAt == null && e.ReplacedAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.GaveUpAt, now).SetProperty(e => e.ClaimedBy, (string?)null)
                .SetProperty(e => e.ClaimedUntil, (DateTime?)null).SetProperty(e => e.LastError, Reason), ct);
        if (heldDigests.Count > 0)
        {
            var digestIds = await db.Set<OutgoingEmail>().Where(e => heldDigests.Contains(e.Id) && e.GaveUpAt == now && e.LastError == Reason)
                .Select(e => e.ReferenceId).ToListAsync(ct);
            var withheldIds = withheld.ToList();
            // The withheld notices stay in the app only; the others go in the person's next digest.
            await notices.Where(n => digestIds.Contains(n.DigestId) && withheldIds.Contains(n.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.Choice, NotificationChoice.InApp).SetProperty(n => n.DigestId, (Guid?)null), ct);
            await notices.Where(n => digestIds.Contains(n.DigestId))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.DigestId, (Guid?)null), ct);
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return given == 0 ? before : [.. before, .. held];
    }

    private sealed record Item(Guid RowId, Guid NoticeId, Guid UserId, Guid? ProgramId, string? Link);

    /// <summary>The notices whose program may not contact their person: by the notice's program, or for older rows its link (as the digest reads it).</summary>
    private async Task<HashSet<Guid>> WithheldAsync(List<Item> items, CancellationToken ct)
    {
        var relationshipIds = items.Where(i => i.ProgramId is null && SendDailyDigests.ProgramOf(i.Link) is null)
            .Select(i => SendDailyDigests.RelationshipOf(i.Link)).OfType<Guid>().Distinct().ToList();
        var programOfRelationship = relationshipIds.Count == 0
            ? new Dictionary<Guid, Guid>()
            : await relationshipPrograms.ProgramsOfAsync(relationshipIds, ct);
        Guid? Program(Item i) => i.ProgramId ?? SendDailyDigests.ProgramOf(i.Link)
            ?? (SendDailyDigests.RelationshipOf(i.Link) is { } relationship && programOfRelationship.TryGetValue(relationship, out var program) ? program : null);
        var withheld = new HashSet<Guid>();
        foreach (var group in items.Select(i => (Item: i, Program: Program(i))).Where(x => x.Program is not null).GroupBy(x => x.Program!.Value))
        {
            var unconsented = await consent.UnconsentedAmongAsync(group.Key, group.Select(x => x.Item.UserId).Distinct().ToList(), ct);
            withheld.UnionWith(group.Where(x => unconsented.Contains(x.Item.UserId)).Select(x => x.Item.NoticeId));
        }
        return withheld;
    }
}
