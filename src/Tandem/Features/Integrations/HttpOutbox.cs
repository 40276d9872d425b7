using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Integrations;

/// <summary>What one pass of the outbound outbox did.</summary>
public sealed record OutboundRun(int Claimed, int Sent, int Failed, int GaveUp);

/// <summary>
/// Every HTTP post that leaves Tandem goes through here, as <see cref="MailOutbox"/> sends e-mail (ADR 55, ADR 58): programs'
/// Slack and Teams channel posts and organisations' signed webhook deliveries share one table, one claim and one backoff.
/// Rows are committed first (one per thing and target, a unique index); channel posts are tried at once while their caller
/// holds the claim, webhook deliveries (saved inside the change they report) by <see cref="HttpOutboxWorker"/>; what fails
/// (an exception, a time-out, any answer but 2xx) is retried after the configured backoff until
/// <see cref="OutboxOptions.MaxAttempts"/>, when it is given up and logged by id. Claims are conditional updates with a
/// lease, so two nodes never post the same row and a node that dies loses nothing.
/// </summary>
public sealed class HttpOutbox(TandemDb db, IHttpClientFactory http, IDataProtectionProvider protection, IOptions<IntegrationOptions> options,
    Notifications.IProgramConsent consent, TimeProvider clock, ILogger<HttpOutbox> logger)
{
    /// <summary>The named HttpClient posts go through (no redirects followed, the configured time-out).</summary>
    public const string HttpClientName = "outbound-http";

    private OutboxOptions Settings => options.Value.Outbox;

    /// <summary>The protector of stored channel webhook addresses.</summary>
    public static IDataProtector ChannelProtector(IDataProtectionProvider provider) => provider.CreateProtector("Tandem.Integrations.ChannelWebhook");

    /// <summary>The protector of programs' WhatsApp Business access tokens (ADR 69).</summary>
    public static IDataProtector TokenProtector(IDataProtectionProvider provider) => provider.CreateProtector("Tandem.Integrations.WhatsAppToken");

    /// <summary>The protector of organisation webhooks' signing secrets.</summary>
    public static IDataProtector SecretProtector(IDataProtectionProvider provider) => provider.CreateProtector("Tandem.Integrations.WebhookSecret");

    /// <summary>
    /// Queues the message for each channel the program has connected, and posts it now. Returns how many posts went out now.
    /// Call it after committing your own change: it saves the same DbContext.
    /// </summary>
    public async Task<int> PostToChannelsAsync(Guid programId, string referenceKind, Guid referenceId, ChannelMessage message, CancellationToken ct = default)
    {
        var channels = await db.Set<ProgramChannels>().AsNoTracking().SingleOrDefaultAsync(c => c.ProgramId == programId, ct);
        var kinds = Enum.GetValues<ChannelKind>().Where(k => channels?.ProtectedFor(k) is not null).ToList();
        if (kinds.Count == 0)
        {
            return 0;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = NewClaim();
        var rows = kinds.Select(k => OutboundPost.ToChannel(programId, k, referenceKind, referenceId, ChannelPayloads.For(k, message), now, claim, now + Settings.ClaimLease)).ToList();
        db.Set<OutboundPost>().AddRange(rows);
        await db.SaveChangesAsync(ct);
        foreach (var row in rows)
        {
            db.Entry(row).State = EntityState.Detached;
        }
        var run = await AttemptAsync(rows, claim, CancellationToken.None);
        return run.Sent;
    }

    /// <summary>One pass of the worker: claims the due posts and posts them.</summary>
    public async Task<OutboundRun> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var posts = db.Set<OutboundPost>();
        var candidates = await posts
            .Where(p => p.SentAt == null && p.GaveUpAt == null && p.NextAttemptAt <= now && (p.ClaimedUntil == null || p.ClaimedUntil < now))
            .OrderBy(p => p.NextAttemptAt).Select(p => p.Id).Take(Math.Max(1, Settings.BatchSize)).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return new OutboundRun(0, 0, 0, 0);
        }
        var claim = NewClaim();
        var until = now + Settings.ClaimLease;
        // The condition is checked again by the update itself: of two nodes claiming the same row, one updates it.
        await posts
            .Where(p => candidates.Contains(p.Id) && p.SentAt == null && p.GaveUpAt == null && (p.ClaimedUntil == null || p.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ClaimedBy, claim).SetProperty(p => p.ClaimedUntil, until).SetProperty(p => p.Attempts, p => p.Attempts + 1), ct);
        var claimed = await posts.AsNoTracking().Where(p => p.ClaimedBy == claim).ToListAsync(ct);
        return claimed.Count == 0 ? new OutboundRun(0, 0, 0, 0) : await AttemptAsync(claimed, claim, CancellationToken.None);
    }

    /// <summary>Deletes posts sent or given up longer ago than the outbox keeps them.</summary>
    public Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var before = clock.GetUtcNow().UtcDateTime - Settings.KeepFor;
        return db.Set<OutboundPost>().Where(p => (p.SentAt != null && p.SentAt < before) || (p.GaveUpAt != null && p.GaveUpAt < before)).ExecuteDeleteAsync(ct);
    }

    private async Task<OutboundRun> AttemptAsync(IReadOnlyList<OutboundPost> rows, string claim, CancellationToken ct)
    {
        var programIds = rows.Where(r => r.Target is OutboundTarget.Slack or OutboundTarget.Teams).Select(r => r.ProgramId).Distinct().ToList();
        var channels = programIds.Count == 0 ? [] : await db.Set<ProgramChannels>().AsNoTracking().Where(c => programIds.Contains(c.ProgramId)).ToDictionaryAsync(c => c.ProgramId, ct);
        var webhookIds = rows.Where(r => r.WebhookId is not null).Select(r => r.WebhookId!.Value).Distinct().ToList();
        var webhooks = webhookIds.Count == 0 ? [] : await db.Set<OrganisationWebhook>().AsNoTracking().Where(w => webhookIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var whatsApp = await WhatsAppTargetsAsync(rows, ct);
        var client = http.CreateClient(HttpClientName);
        int sent = 0, failed = 0, gaveUp = 0;
        foreach (var row in rows)
        {
            HttpRequestMessage? made;
            string whyNot;
            try
            {
                made = Request(row, channels, webhooks, whatsApp, out whyNot);
            }
            catch (CryptographicException e)
            {
                // A stored secret no key can read (the data-protection keys were lost or replaced) never becomes readable
                // by waiting: give the row up now, or every pass would claim it again and fail before counting the attempt.
                made = null;
                whyNot = "The stored address, token or secret could not be read (the installation's data-protection keys changed); connect it again.";
                logger.LogError(e, "Gave up the {Target} post {OutboundPostId}: its stored secret could not be unprotected", row.Target, row.Id);
            }
            using var request = made;
            if (request is null)
            {
                await FinishAsync(row, claim, sent: false, whyNot, giveUp: true);
                gaveUp++;
                continue;
            }
            var (error, retryable, detail) = await SendAsync(client, request, row.Target);
            if (error is null)
            {
                await FinishAsync(row, claim, sent: true, null, giveUp: false);
                sent++;
            }
            else if (row.Attempts >= Settings.MaxAttempts || !retryable)
            {
                await FinishAsync(row, claim, sent: false, error, giveUp: true);
                // The id and the target, never the address: a channel's is a secret. The receiver's own words go to the log only.
                logger.LogError("Gave up the {Target} post {OutboundPostId} after {Attempts} attempts: {Error} {Detail}", row.Target, row.Id, row.Attempts, error, Clipped(detail));
                gaveUp++;
            }
            else
            {
                await FinishAsync(row, claim, sent: false, error, giveUp: false);
                logger.LogWarning("The {Target} post {OutboundPostId} failed (attempt {Attempts}); retrying after the backoff: {Error} {Detail}", row.Target, row.Id, row.Attempts, error, Clipped(detail));
                failed++;
            }
        }
        return new OutboundRun(rows.Count, sent, failed, gaveUp);
    }

    /// <summary>
    /// What WhatsApp rows need, read now: the programs' accounts, and the numbers of those still opted in to them whose
    /// account is not disabled and whom the program may still contact (ADR 48's consent gate, asked at every attempt: a
    /// message queued before a withdrawal is not sent on its retry after it, ADR 105).
    /// </summary>
    private async Task<WhatsAppTargets> WhatsAppTargetsAsync(IReadOnlyList<OutboundPost> rows, CancellationToken ct)
    {
        var messages = rows.Where(r => r.Target == OutboundTarget.WhatsApp).ToList();
        if (messages.Count == 0)
        {
            return new WhatsAppTargets([], [], [], []);
        }
        var programIds = messages.Select(r => r.ProgramId).Distinct().ToList();
        var userIds = messages.Select(r => r.TargetId).Distinct().ToList();
        var accounts = await db.Set<ProgramWhatsApp>().AsNoTracking().Where(w => programIds.Contains(w.ProgramId)).ToDictionaryAsync(w => w.ProgramId, ct);
        var numbers = await (
            from o in db.Set<WhatsAppOptIn>().AsNoTracking()
            join n in db.Set<WhatsAppNumber>().AsNoTracking() on o.UserId equals n.UserId
            where userIds.Contains(o.UserId) && programIds.Contains(o.ProgramId)
            select new { o.UserId, o.ProgramId, n.Number }).ToListAsync(ct);
        var disabled = (await db.Users.Where(u => userIds.Contains(u.Id) && u.IsDisabled).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        var heldBack = new HashSet<(Guid, Guid)>();
        foreach (var program in messages.GroupBy(r => r.ProgramId))
        {
            var unconsented = await consent.UnconsentedAmongAsync(program.Key, program.Select(r => r.TargetId).Distinct().ToList(), ct);
            heldBack.UnionWith(unconsented.Select(u => (u, program.Key)));
        }
        return new WhatsAppTargets(accounts, numbers.ToDictionary(n => (n.UserId, n.ProgramId), n => n.Number), disabled, heldBack);
    }

    private sealed record WhatsAppTargets(Dictionary<Guid, ProgramWhatsApp> Accounts, Dictionary<(Guid UserId, Guid ProgramId), string> Numbers,
        HashSet<Guid> Disabled, HashSet<(Guid UserId, Guid ProgramId)> HeldBack);

    /// <summary>
    /// The request for one attempt, or null (and why) when its target is gone. A webhook delivery is signed now, with the current
    /// time and secret, so every attempt carries a fresh timestamp (receivers refuse old ones) over the very same body. A
    /// WhatsApp message gets the person's number now, only while they are opted in to the program, their account is not disabled and the program may still contact them.
    /// </summary>
    private HttpRequestMessage? Request(OutboundPost row, Dictionary<Guid, ProgramChannels> channels, Dictionary<Guid, OrganisationWebhook> webhooks,
        WhatsAppTargets whatsApp, out string whyNot)
    {
        whyNot = "";
        if (row.Target == OutboundTarget.WhatsApp)
        {
            if (whatsApp.Accounts.GetValueOrDefault(row.ProgramId) is not { Connected: true } account)
            {
                whyNot = "The program's WhatsApp account was disconnected before the message went out.";
                return null;
            }
            if (whatsApp.Disabled.Contains(row.TargetId))
            {
                whyNot = "The person's account was disabled before the message went out.";
                return null;
            }
            if (whatsApp.HeldBack.Contains((row.TargetId, row.ProgramId)))
            {
                whyNot = "The program may no longer contact the person (consent withdrawn or not given) before the message went out.";
                return null;
            }
            if (whatsApp.Numbers.GetValueOrDefault((row.TargetId, row.ProgramId)) is not { } number)
            {
                whyNot = "The person opted out of WhatsApp messages (or removed their number) before the message went out.";
                return null;
            }
            var message = Post(options.Value.WhatsApp.MessagesUrl(account.PhoneNumberId!), WhatsAppPayloads.WithRecipient(row.Payload, number));
            message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TokenProtector(protection).Unprotect(account.ProtectedToken!));
            return message;
        }
        if (row.Target != OutboundTarget.Webhook)
        {
            var stored = channels.GetValueOrDefault(row.ProgramId)?.ProtectedFor(row.Channel);
            whyNot = "The channel was disconnected before the post went out.";
            return stored is null ? null : Post(ChannelProtector(protection).Unprotect(stored), row.Payload);
        }
        if (row.WebhookId is not { } id || webhooks.GetValueOrDefault(id) is not { Active: true } webhook)
        {
            whyNot = "The webhook was disabled or deleted before the delivery went out.";
            return null;
        }
        var secret = SecretProtector(protection).Unprotect(webhook.ProtectedSecret);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var request = Post(webhook.Url, row.Payload);
        request.Headers.Add(WebhookSignature.IdHeader, row.ReferenceId.ToString());
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, row.Payload));
        return request;
    }

    private static HttpRequestMessage Post(string url, string payload) =>
        new(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };

    /// <summary>
    /// Posts; no error when the target answered 2xx, otherwise what went wrong, whether another attempt could help, and the
    /// detail for the server's log. Every failure is retried for channels and webhooks; the Cloud API's 4xx errors other than
    /// throttling are final (ADR 69). The error stored (and shown to an organisation's coordinators) is Tandem's own sentence
    /// with the status code and its standard reason phrase, never the receiver's words (ADR 89): a receiver can be any host
    /// the nodes reach, and its answer would otherwise be read back by whoever registered it. Only the headers are awaited
    /// and at most <see cref="AnswerReadMax"/> bytes of the body are read, for the log and for Graph's error code.
    /// </summary>
    private async Task<(string? Error, bool Retryable, string? Detail)> SendAsync(HttpClient client, HttpRequestMessage request, OutboundTarget target)
    {
        try
        {
            using var cancel = new CancellationTokenSource(options.Value.Timeout);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            if (response.IsSuccessStatusCode)
            {
                return (null, false, null);
            }
            var status = (int)response.StatusCode;
            var answer = await ReadStartAsync(response.Content, cancel.Token);
            var answered = $"The receiver answered {status}{(ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } reason ? " " + reason : "")}";
            if (target != OutboundTarget.WhatsApp)
            {
                return ($"{answered}.", true, answer);
            }
            // The Cloud API's address is the installation's setting, not a coordinator's: its error code says why to the operator.
            var code = WhatsAppPayloads.ErrorCode(answer);
            return (code is { } c ? $"{answered} (Graph error {c})." : $"{answered}.", WhatsAppPayloads.Retryable(status, code), answer);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            return e is HttpRequestException
                ? ("The receiver could not be reached.", true, e.Message)
                : ("The receiver did not answer in time.", true, null);
        }
    }

    /// <summary>The most of an answer's body read (for the log and Graph's error code); the rest is never read.</summary>
    public const int AnswerReadMax = 4096;

    /// <summary>The first <see cref="AnswerReadMax"/> bytes of a body as text, or what arrived before the time-out or a broken connection.</summary>
    private static async Task<string> ReadStartAsync(HttpContent content, CancellationToken ct)
    {
        var buffer = new byte[AnswerReadMax];
        var read = 0;
        try
        {
            await using var body = await content.ReadAsStreamAsync(ct);
            for (int n; read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), ct)) > 0;)
            {
                read += n;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // The status is what counts; the body is only for the log.
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private async Task FinishAsync(OutboundPost row, string claim, bool sent, string? error, bool giveUp)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = db.Set<OutboundPost>().Where(p => p.Id == row.Id && p.ClaimedBy == claim);
        if (sent)
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(p => p.SentAt, now).SetProperty(p => p.ClaimedBy, (string?)null)
                .SetProperty(p => p.ClaimedUntil, (DateTime?)null).SetProperty(p => p.LastError, (string?)null));
            return;
        }
        if (giveUp)
        {
            await mine.ExecuteUpdateAsync(s => s.SetProperty(p => p.GaveUpAt, now).SetProperty(p => p.ClaimedBy, (string?)null)
                .SetProperty(p => p.ClaimedUntil, (DateTime?)null).SetProperty(p => p.LastError, error));
            return;
        }
        var next = now + Settings.DelayAfter(row.Attempts);
        await mine.ExecuteUpdateAsync(s => s.SetProperty(p => p.NextAttemptAt, next).SetProperty(p => p.ClaimedBy, (string?)null)
            .SetProperty(p => p.ClaimedUntil, (DateTime?)null).SetProperty(p => p.LastError, error));
    }

    private static string? Clipped(string? detail) => detail is null ? null : OutboundPost.Clip(detail, OutboundPost.ErrorMax);

    private static string NewClaim() => $"{MailOutbox.Node}/{Guid.NewGuid():N}";
}
