using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Integrations;

/// <summary>What one pass of the channel outbox did.</summary>
public sealed record ChannelRun(int Claimed, int Sent, int Failed, int GaveUp);

/// <summary>
/// Posts to programs' Slack and Teams channels through an outbox, as <see cref="MailOutbox"/> sends e-mail: the posts are
/// committed first (one per thing and channel, a unique index), tried at once while the caller holds their claim, and
/// what fails (an exception, a time-out, any answer but 2xx) is retried by <see cref="ChannelOutboxWorker"/> after the
/// configured backoff, until <see cref="OutboxOptions.MaxAttempts"/>, when it is given up and logged. Claims are
/// conditional updates with a lease, so two nodes never post the same row and a node that dies loses nothing.
/// </summary>
public sealed class ChannelOutbox(TandemDb db, IHttpClientFactory http, IDataProtectionProvider protection, IOptions<IntegrationOptions> options,
    TimeProvider clock, ILogger<ChannelOutbox> logger)
{
    /// <summary>The named HttpClient posts go through (no redirects followed, the configured time-out).</summary>
    public const string HttpClientName = "channel-webhooks";

    private OutboxOptions Settings => options.Value.Outbox;

    /// <summary>The protector of stored webhook addresses.</summary>
    public static IDataProtector Protector(IDataProtectionProvider provider) => provider.CreateProtector("Tandem.Integrations.ChannelWebhook");

    /// <summary>
    /// Queues the message for each channel the program has connected, and posts it now. Returns how many posts went out now.
    /// Call it after committing your own change: it saves the same DbContext.
    /// </summary>
    public async Task<int> PostAsync(Guid programId, string referenceKind, Guid referenceId, ChannelMessage message, CancellationToken ct = default)
    {
        var channels = await db.Set<ProgramChannels>().AsNoTracking().SingleOrDefaultAsync(c => c.ProgramId == programId, ct);
        var kinds = Enum.GetValues<ChannelKind>().Where(k => channels?.ProtectedFor(k) is not null).ToList();
        if (kinds.Count == 0)
        {
            return 0;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = NewClaim();
        var rows = kinds.Select(k => new ChannelPost(programId, k, referenceKind, referenceId, ChannelPayloads.For(k, message), now, claim, now + Settings.ClaimLease)).ToList();
        db.Set<ChannelPost>().AddRange(rows);
        await db.SaveChangesAsync(ct);
        foreach (var row in rows)
        {
            db.Entry(row).State = EntityState.Detached;
        }
        var run = await AttemptAsync(rows, claim, CancellationToken.None);
        return run.Sent;
    }

    /// <summary>One pass of the worker: claims the due posts and posts them.</summary>
    public async Task<ChannelRun> DeliverDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var posts = db.Set<ChannelPost>();
        var candidates = await posts
            .Where(p => p.SentAt == null && p.GaveUpAt == null && p.NextAttemptAt <= now && (p.ClaimedUntil == null || p.ClaimedUntil < now))
            .OrderBy(p => p.NextAttemptAt).Select(p => p.Id).Take(Math.Max(1, Settings.BatchSize)).ToListAsync(ct);
        if (candidates.Count == 0)
        {
            return new ChannelRun(0, 0, 0, 0);
        }
        var claim = NewClaim();
        var until = now + Settings.ClaimLease;
        // The condition is checked again by the update itself: of two nodes claiming the same row, one updates it.
        await posts
            .Where(p => candidates.Contains(p.Id) && p.SentAt == null && p.GaveUpAt == null && (p.ClaimedUntil == null || p.ClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ClaimedBy, claim).SetProperty(p => p.ClaimedUntil, until).SetProperty(p => p.Attempts, p => p.Attempts + 1), ct);
        var claimed = await posts.AsNoTracking().Where(p => p.ClaimedBy == claim).ToListAsync(ct);
        return claimed.Count == 0 ? new ChannelRun(0, 0, 0, 0) : await AttemptAsync(claimed, claim, CancellationToken.None);
    }

    /// <summary>Deletes posts sent or given up longer ago than the outbox keeps them.</summary>
    public Task<int> PurgeAsync(CancellationToken ct = default)
    {
        var before = clock.GetUtcNow().UtcDateTime - Settings.KeepFor;
        return db.Set<ChannelPost>().Where(p => (p.SentAt != null && p.SentAt < before) || (p.GaveUpAt != null && p.GaveUpAt < before)).ExecuteDeleteAsync(ct);
    }

    private async Task<ChannelRun> AttemptAsync(IReadOnlyList<ChannelPost> rows, string claim, CancellationToken ct)
    {
        var programIds = rows.Select(r => r.ProgramId).Distinct().ToList();
        var channels = await db.Set<ProgramChannels>().AsNoTracking().Where(c => programIds.Contains(c.ProgramId)).ToDictionaryAsync(c => c.ProgramId, ct);
        var protector = Protector(protection);
        var client = http.CreateClient(HttpClientName);
        int sent = 0, failed = 0, gaveUp = 0;
        foreach (var row in rows)
        {
            var stored = channels.GetValueOrDefault(row.ProgramId)?.ProtectedFor(row.Channel);
            if (stored is null)
            {
                await FinishAsync(row, claim, sent: false, "The channel was disconnected before the post went out.", giveUp: true);
                gaveUp++;
                continue;
            }
            var error = await SendAsync(client, protector.Unprotect(stored), row.Payload);
            if (error is null)
            {
                await FinishAsync(row, claim, sent: true, null, giveUp: false);
                sent++;
            }
            else if (row.Attempts >= Settings.MaxAttempts)
            {
                await FinishAsync(row, claim, sent: false, error, giveUp: true);
                // The id and the channel, never the address: it is a secret.
                logger.LogError("Gave up the {Channel} post {ChannelPostId} after {Attempts} attempts: {Error}", row.Channel, row.Id, row.Attempts, error);
                gaveUp++;
            }
            else
            {
                await FinishAsync(row, claim, sent: false, error, giveUp: false);
                logger.LogWarning("The {Channel} post {ChannelPostId} failed (attempt {Attempts}); retrying after the backoff: {Error}", row.Channel, row.Id, row.Attempts, error);
                failed++;
            }
        }
        return new ChannelRun(rows.Count, sent, failed, gaveUp);
    }

    /// <summary>Posts the JSON; null when the channel answered 2xx, otherwise what went wrong.</summary>
    private async Task<string?> SendAsync(HttpClient client, string url, string payload)
    {
        try
        {
            using var cancel = new CancellationTokenSource(options.Value.Timeout);
            using var content = new StringContent(payload, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(url, content, cancel.Token);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }
            var answer = await response.Content.ReadAsStringAsync(CancellationToken.None);
            return ChannelPost.Clip($"The channel answered {(int)response.StatusCode} {response.ReasonPhrase}: {answer}", ChannelPost.ErrorMax);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            return ChannelPost.Clip(e is HttpRequestException ? $"The channel could not be reached: {e.Message}" : "The channel did not answer in time.", ChannelPost.ErrorMax);
        }
    }

    private async Task FinishAsync(ChannelPost row, string claim, bool sent, string? error, bool giveUp)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = db.Set<ChannelPost>().Where(p => p.Id == row.Id && p.ClaimedBy == claim);
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

    private static string NewClaim() => $"{MailOutbox.Node}/{Guid.NewGuid():N}";
}
