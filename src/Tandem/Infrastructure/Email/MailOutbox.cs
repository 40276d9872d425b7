using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using Tandem.Data;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Infrastructure.Email;

/// <summary>A message for the outbox, optionally about something (e.g. ("notification", id)) that is told when a retry delivers it.</summary>
public sealed record OutgoingMessage(MimeMessage Message, string? ReferenceKind = null, Guid? ReferenceId = null);

/// <summary>
/// Told when the outbox worker delivers a message on a later attempt, so a feature can record it (a notification's
/// EmailedAt, an invitation's SentAt). Messages that go out on the first attempt are recorded by their caller.
/// </summary>
public interface IMailDeliveryListener
{
    string ReferenceKind { get; }

    Task DeliveredAsync(IReadOnlyCollection<Guid> referenceIds, DateTime at, CancellationToken ct);
}

/// <summary>
/// Asked before the outbox worker sends queued messages and before `tandem mail retry` makes them due again, so that a
/// feature can hold back what may no longer go out (Notifications: a program's notice or digest to someone the program may
/// no longer contact, ADR 120) without the outbox knowing of programs or consent.
/// </summary>
public interface IMailHoldBack
{
    /// <summary>
    /// Gives up (with the reason as the last error) the unsent, unclaimed messages among <paramref name="rows"/> that must
    /// not go out, and returns their ids.
    /// </summary>
    Task<IReadOnlyCollection<Guid>> HoldBackAsync(IQueryable<OutgoingEmail> rows, DateTime now, CancellationToken ct);
}

public sealed record OutboxRun(int Claimed, int Sent, int Failed, int GaveUp);

/// <summary>An unsent message, for the operator.</summary>
public sealed record QueuedEmailView(Guid Id, string Recipient, string Subject, DateTime CreatedAt, int Attempts, DateTime NextAttemptAt, DateTime? GaveUpAt, DateTime? ReplacedAt,
    string? LastError);

/// <summary>What is stuck: messages waiting for another attempt, messages given up, messages replaced by newer ones, and the oldest of them.</summary>
public sealed record OutboxStatus(int Waiting, int GivenUp, int Replaced, IReadOnlyList<QueuedEmailView> Oldest);

/// <summary>Messages added to the context by <see cref="MailOutbox.Queue"/>, to send with <see cref="MailOutbox.SendQueuedAsync"/> once saved.</summary>
public sealed class QueuedMail
{
    internal QueuedMail(string claim, IReadOnlyList<(MimeMessage Message, OutgoingEmail Row)> rows)
    {
        Claim = claim;
        Rows = rows;
    }

    internal string Claim { get; }

    internal IReadOnlyList<(MimeMessage Message, OutgoingEmail Row)> Rows { get; }

    public int Count => Rows.Count;
}

/// <summary>
/// Every e-mail goes through here: the message is written to <see cref="OutgoingEmail"/> (committed), then sent
/// at once while this call holds the claim; what fails is retried by <see cref="MailOutboxWorker"/> with backoff.
/// Claims are conditional updates with a lease, so two nodes never send the same row and a restart loses nothing.
/// </summary>
public sealed class MailOutbox(TandemDb db, IMailSender transport, IOptions<EmailOptions> options, IEnumerable<IMailDeliveryListener> listeners,
    IEnumerable<IMailHoldBack> holdBacks, TimeProvider clock, TandemTelemetry telemetry, ILogger<MailOutbox> logger)
{
    public static readonly string Node = $"{Environment.MachineName}/{Environment.ProcessId}";

    private OutboxOptions Settings => options.Value.Outbox;

    /// <summary>
    /// Queues the messages (one commit) and tries to send them now. Returns the ones that went out now; the others
    /// stay queued for the worker. Call it after committing your own change: it saves the same DbContext (a change of
    /// yours still pending is committed with the queued messages).
    /// </summary>
    /// <param name="supersedePending">Give up unsent queued messages about the same references (e.g. an invitation whose link was renewed).</param>
    public async Task<IReadOnlySet<MimeMessage>> SendAsync(IReadOnlyList<OutgoingMessage> messages, bool supersedePending = false, CancellationToken ct = default)
    {
        if (messages.Count == 0)
        {
            return new HashSet<MimeMessage>();
        }
        if (supersedePending)
        {
            await SupersedeAsync(messages, clock.GetUtcNow().UtcDateTime, ct);
        }
        var queued = Queue(messages);
        await db.SaveChangesAsync(ct);
        return await SendQueuedAsync(queued, recordSent: null, ct);
    }

    /// <summary>
    /// Adds the messages to the context under one claim of this node, not saved: the caller's next SaveChanges commits
    /// them together with its own change (a meeting and its notices, say), and <see cref="SendQueuedAsync"/> then sends
    /// them. Rows a crash leaves claimed are the worker's once the claim's lease has run out, as with <see cref="SendAsync"/>.
    /// </summary>
    public QueuedMail Queue(IReadOnlyList<OutgoingMessage> messages)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = NewClaim();
        var rows = messages.Select(m => (m.Message, Row: new OutgoingEmail(Recipients(m.Message), m.Message.Subject ?? "", Serialize(m.Message),
            m.ReferenceKind, m.ReferenceId, now, claim, now + Settings.ClaimLease))).ToList();
        db.Set<OutgoingEmail>().AddRange(rows.Select(r => r.Row));
        return new QueuedMail(claim, rows);
    }

    /// <summary>
    /// Sends messages <see cref="Queue"/>d and since saved, and records the outcome in one commit together with what
    /// <paramref name="recordSent"/> changes on tracked entities for the messages that went out (a notification's
    /// EmailedAt): one commit where the outcome and the caller's record of it took two (issue 17).
    /// </summary>
    public async Task<IReadOnlySet<MimeMessage>> SendQueuedAsync(QueuedMail queued, Action<IReadOnlySet<MimeMessage>>? recordSent = null,
        CancellationToken ct = default)
    {
        if (queued.Rows.Count == 0)
        {
            return new HashSet<MimeMessage>();
        }
        foreach (var (_, row) in queued.Rows)
        {
            var entry = db.Entry(row);
            if (entry.State == EntityState.Added)
            {
                throw new InvalidOperationException("Save the queued e-mails before sending them: a message is never sent before it is stored.");
            }
            entry.State = EntityState.Detached;
        }
        var delivery = await SendNowAsync(queued.Rows.Select(r => r.Message).ToList(), ct);
        // The outcome is recorded even when the request is cancelled now: the messages went out (or did not) already.
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(CancellationToken.None) : null;
        var savepoints = db.Database.AutoSavepointsEnabled;
        try
        {
            var (failed, gaveUp) = await RecordAsync(queued.Rows, delivery, queued.Claim, CancellationToken.None);
            if (recordSent is not null && delivery.Sent.Count > 0)
            {
                recordSent(delivery.Sent);
                // No savepoint around this save (EF Core makes one inside a transaction of ours): a failed save ends the
                // transaction whole.
                db.Database.AutoSavepointsEnabled = false;
                await db.SaveChangesAsync(CancellationToken.None);
            }
            if (own is not null)
            {
                await own.CommitAsync(CancellationToken.None);
            }
            telemetry.EmailsAttempted(delivery.Sent.Count, failed, gaveUp, retry: false);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
        return delivery.Sent;
    }

    /// <summary>
    /// Deletes messages sent or given up longer ago than <see cref="OutboxOptions.KeepFor"/>: the outbox is a queue,
    /// not an archive of people's e-mail. Any node may run it; deleting the same rows twice is harmless.
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var before = clock.GetUtcNow().UtcDateTime - Settings.KeepFor;
        return await db.Set<OutgoingEmail>()
            .Where(e => (e.SentAt != null && e.SentAt < before) || (e.GaveUpAt != null && e.GaveUpAt < before))
            .ExecuteDeleteAsync(ct);
    }

    /// <summary>One pass of the worker: claims due messages, sends them over one connection, records the outcome.</summary>
    public async Task<OutboxRun> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outbox = db.Set<OutgoingEmail>();
        await GiveUpForDisabledAccountsAsync(outbox.Where(e => e.GaveUpAt == null && e.NextAttemptAt <= now), now, ct);
        await HoldBackAsync(outbox.Where(e => e.GaveUpAt == null && e.NextAttemptAt <= now), now, ct);
        var candidates = await outbox
            .Where(e => e.SentAt == null && e.GaveUpAt == null && e.NextAttemptAt <= now && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .OrderBy(e => e.NextAttemptAt).Select(e => e.Id).Take(Math.Max(1, Settings.BatchSize)).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return new OutboxRun(0, 0, 0, 0);
        }
        var claim = NewClaim();
        var until = now + Settings.ClaimLease;
        // The condition is checked again by the update itself: of two nodes claiming the same row, one updates it.
        await outbox
            .Where(e => candidates.Contains(e.Id) && e.SentAt == null && e.GaveUpAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ClaimedBy, claim).SetProperty(e => e.ClaimedUntil, until).SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
        var claimed = await outbox.AsNoTracking().Where(e => e.ClaimedBy == claim).ToListAsync(ct);
        if (claimed.Count == 0)
        {
            return new OutboxRun(0, 0, 0, 0);
        }
        telemetry.OutboxClaimed(claimed.Count);
        var rows = new List<(MimeMessage Message, OutgoingEmail Row)>();
        var unreadable = new List<OutgoingEmail>();
        foreach (var row in claimed)
        {
            try
            {
                rows.Add((await MimeMessage.LoadAsync(new MemoryStream(row.Mime), ct), row));
            }
            catch (FormatException)
            {
                unreadable.Add(row);
            }
        }
        if (unreadable.Count > 0)
        {
            var ids = unreadable.Select(r => r.Id).ToList();
            await outbox.Where(e => ids.Contains(e.Id) && e.ClaimedBy == claim).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.GaveUpAt, now).SetProperty(e => e.ClaimedBy, (string?)null).SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                .SetProperty(e => e.LastError, "The stored message could not be read."), CancellationToken.None);
            logger.LogError("Gave up {Count} queued e-mails whose stored MIME could not be read", ids.Count);
        }
        var delivery = await SendNowAsync(rows.Select(r => r.Message).ToList(), ct);
        var (failed, gaveUp) = await RecordAsync(rows, delivery, claim, CancellationToken.None);
        telemetry.EmailsAttempted(delivery.Sent.Count, failed, gaveUp + unreadable.Count, retry: true);

        var delivered = rows.Where(r => delivery.Sent.Contains(r.Message)).Select(r => r.Row).ToList();
        foreach (var group in delivered.Where(r => r.ReferenceKind is not null && r.ReferenceId is not null).GroupBy(r => r.ReferenceKind!))
        {
            foreach (var listener in listeners.Where(l => l.ReferenceKind == group.Key))
            {
                await listener.DeliveredAsync(group.Select(r => r.ReferenceId!.Value).Distinct().ToList(), now, CancellationToken.None);
            }
        }
        return new OutboxRun(claimed.Count, delivered.Count, failed, gaveUp + unreadable.Count);
    }

    /// <summary>The unsent messages (waiting, given up or replaced), oldest first, at most <paramref name="max"/>.</summary>
    public async Task<OutboxStatus> StatusAsync(int max, CancellationToken ct = default)
    {
        var unsent = db.Set<OutgoingEmail>().Where(e => e.SentAt == null);
        var waiting = await unsent.CountAsync(e => e.GaveUpAt == null, ct);
        var givenUp = await unsent.CountAsync(e => e.GaveUpAt != null && e.ReplacedAt == null, ct);
        var replaced = await unsent.CountAsync(e => e.ReplacedAt != null, ct);
        var oldest = await unsent.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Take(Math.Clamp(max, 1, 1000))
            .Select(e => new QueuedEmailView(e.Id, e.Recipient, e.Subject, e.CreatedAt, e.Attempts, e.NextAttemptAt, e.GaveUpAt, e.ReplacedAt, e.LastError))
            .ToListAsync(ct);
        return new OutboxStatus(waiting, givenUp, replaced, oldest);
    }

    /// <summary>
    /// Makes unsent messages (one, or all) due now with a fresh set of attempts, given-up ones included; messages a
    /// node is sending right now are left alone, and messages replaced by newer ones are never sent (their links no
    /// longer work). Returns how many.
    /// </summary>
    public async Task<int> RetryAsync(Guid? id = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var unsent = db.Set<OutgoingEmail>().Where(e => e.SentAt == null && e.ReplacedAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now));
        if (id is { } one)
        {
            unsent = unsent.Where(e => e.Id == one);
        }
        await GiveUpForDisabledAccountsAsync(unsent, now, ct);
        var heldBack = await HoldBackAsync(unsent, now, ct);
        return await unsent.Where(e => !db.Users.Any(u => u.IsDisabled && u.NormalizedEmail != null && u.NormalizedEmail == e.Recipient.ToUpper()))
            .Where(e => !heldBack.Contains(e.Id))
            .ExecuteUpdateAsync(s => s
            .SetProperty(e => e.GaveUpAt, (DateTime?)null).SetProperty(e => e.Attempts, 0).SetProperty(e => e.NextAttemptAt, now)
            .SetProperty(e => e.ClaimedBy, (string?)null).SetProperty(e => e.ClaimedUntil, (DateTime?)null), ct);
    }

    /// <summary>The last error of a message given up because its recipient's account is disabled (or erased).</summary>
    public const string DisabledRecipient = "the recipient's account is disabled";

    /// <summary>
    /// Whether a message goes to an account that is disabled (an erased one is too): compared with the account's
    /// normalized address, as signing in finds it. A message to several addresses is held back only when the whole
    /// recipient list is one disabled account's address (ADR 102).
    /// </summary>
    private System.Linq.Expressions.Expression<Func<OutgoingEmail, bool>> ToDisabledAccount =>
        e => db.Users.Any(u => u.IsDisabled && u.NormalizedEmail != null && u.NormalizedEmail == e.Recipient.ToUpper());

    /// <summary>
    /// Gives up the unsent, unclaimed messages among <paramref name="rows"/> that go to a disabled account (ADR 102): neither
    /// the worker nor `tandem mail retry` sends mail to someone who can no longer sign in, whatever was queued before.
    /// (`mail retry` passes given-up rows too: their last error then says why they stay given up.)
    /// </summary>
    private Task<int> GiveUpForDisabledAccountsAsync(IQueryable<OutgoingEmail> rows, DateTime now, CancellationToken ct) =>
        rows.Where(e => e.SentAt == null && e.ReplacedAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now))
            .Where(ToDisabledAccount)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.GaveUpAt, now).SetProperty(e => e.ClaimedBy, (string?)null).SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                .SetProperty(e => e.LastError, DisabledRecipient), ct);

    /// <summary>Asks every <see cref="IMailHoldBack"/> about the unsent, unclaimed rows among <paramref name="rows"/>; the ids given up.</summary>
    private async Task<List<Guid>> HoldBackAsync(IQueryable<OutgoingEmail> rows, DateTime now, CancellationToken ct)
    {
        var held = new List<Guid>();
        foreach (var holdBack in holdBacks)
        {
            held.AddRange(await holdBack.HoldBackAsync(
                rows.Where(e => e.SentAt == null && e.ReplacedAt == null && (e.ClaimedUntil == null || e.ClaimedUntil < now)), now, ct));
        }
        if (held.Count > 0)
        {
            logger.LogInformation("Held back {Count} queued e-mails that may no longer be sent", held.Count);
        }
        return held;
    }

    /// <summary>Marks the sent ones sent; schedules the next attempt (or gives up) for the others. Only rows this claim still holds.</summary>
    private async Task<(int Failed, int GaveUp)> RecordAsync(IReadOnlyList<(MimeMessage Message, OutgoingEmail Row)> rows, MailDelivery delivery, string claim, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var outbox = db.Set<OutgoingEmail>();
        var sentIds = rows.Where(r => delivery.Sent.Contains(r.Message)).Select(r => r.Row.Id).ToList();
        if (sentIds.Count > 0)
        {
            await outbox.Where(e => sentIds.Contains(e.Id) && e.ClaimedBy == claim).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.SentAt, now).SetProperty(e => e.ClaimedBy, (string?)null).SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                .SetProperty(e => e.LastError, (string?)null), ct);
        }
        var failures = rows.Where(r => !delivery.Sent.Contains(r.Message))
            .Select(r => (r.Row, Error: OutgoingEmail.Clip(delivery.ErrorFor(r.Message), OutgoingEmail.ErrorMax)))
            .GroupBy(f => (f.Row.Attempts, f.Error));
        int failed = 0, gaveUp = 0;
        foreach (var group in failures)
        {
            var ids = group.Select(f => f.Row.Id).ToList();
            var (attempts, error) = group.Key;
            if (attempts >= Settings.MaxAttempts)
            {
                await outbox.Where(e => ids.Contains(e.Id) && e.ClaimedBy == claim).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.GaveUpAt, now).SetProperty(e => e.ClaimedBy, (string?)null).SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                    .SetProperty(e => e.LastError, error), ct);
                gaveUp += ids.Count;
                foreach (var (row, _) in group)
                {
                    // The id, not the address or subject: `tandem mail queue` shows the operator those.
                    logger.LogError("Gave up the e-mail {OutgoingEmailId} after {Attempts} attempts: {Error}", row.Id, attempts, error);
                }
            }
            else
            {
                var next = now + Settings.DelayAfter(attempts);
                await outbox.Where(e => ids.Contains(e.Id) && e.ClaimedBy == claim).ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.NextAttemptAt, next).SetProperty(e => e.ClaimedBy, (string?)null).SetProperty(e => e.ClaimedUntil, (DateTime?)null)
                    .SetProperty(e => e.LastError, error), ct);
                failed += ids.Count;
                logger.LogWarning("{Count} e-mails not sent (attempt {Attempts}); next attempt at {Next:u}: {Error}", ids.Count, attempts, next, error);
            }
        }
        return (failed, gaveUp);
    }

    /// <summary>
    /// Marks the unsent copies about the same references replaced: those waiting and those given up alike, so that neither
    /// the worker nor `tandem mail retry` ever sends them after the newer one. A copy a node is sending right now is left alone.
    /// </summary>
    private async Task SupersedeAsync(IReadOnlyList<OutgoingMessage> messages, DateTime now, CancellationToken ct)
    {
        foreach (var group in messages.Where(m => m.ReferenceKind is not null && m.ReferenceId is not null).GroupBy(m => m.ReferenceKind!))
        {
            var kind = group.Key;
            var ids = group.Select(m => m.ReferenceId).Distinct().ToList();
            await db.Set<OutgoingEmail>()
                .Where(e => e.ReferenceKind == kind && ids.Contains(e.ReferenceId) && e.SentAt == null && e.ReplacedAt == null
                    && (e.ClaimedUntil == null || e.ClaimedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.GaveUpAt, e => e.GaveUpAt ?? now).SetProperty(e => e.ReplacedAt, now)
                    .SetProperty(e => e.LastError, OutgoingEmail.ReplacedError), ct);
        }
    }

    /// <summary>Hands a batch to the transport inside a span of its own, so a trace shows the time spent on the mail server.</summary>
    private async Task<MailDelivery> SendNowAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct)
    {
        using var activity = TandemTelemetry.Source.StartActivity("Send e-mail");
        activity?.SetTag("tandem.email.count", messages.Count);
        var delivery = await transport.SendAsync(messages, ct);
        if (delivery.Errors.Count > 0)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, $"{delivery.Errors.Count} of {messages.Count} not sent");
        }
        return delivery;
    }

    /// <summary>A claim names the node and this one pass, so two passes in one process are told apart too.</summary>
    private static string NewClaim() => $"{Node}/{Guid.NewGuid():N}";

    private static string Recipients(MimeMessage message) =>
        string.Join(", ", message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).Select(m => m.Address));

    /// <summary>The Message-Id and Date are fixed before storing, so every attempt sends the very same message.</summary>
    private byte[] Serialize(MimeMessage message)
    {
        if (string.IsNullOrEmpty(message.MessageId))
        {
            var domain = options.Value.Sender().Domain;
            message.MessageId = MimeUtils.GenerateMessageId(string.IsNullOrEmpty(domain) ? "tandem.localhost" : domain);
        }
        if (message.Date == DateTimeOffset.MinValue)
        {
            message.Date = clock.GetUtcNow();
        }
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        return stream.ToArray();
    }
}
