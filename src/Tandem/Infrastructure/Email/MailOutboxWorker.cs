using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Infrastructure.Email;

/// <summary>
/// Retries queued e-mails on every node at the configured interval, and deletes old sent or given-up ones. Claims run
/// out after their lease, so whatever a failed pass held is taken again later.
/// </summary>
public sealed class MailOutboxWorker(IServiceScopeFactory scopes, IOptions<EmailOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<MailOutboxWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "outbox", options.Value.Outbox.WorkerEnabled, options.Value.Outbox.Interval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var outbox = services.GetRequiredService<MailOutbox>();
        var run = await outbox.DeliverDueAsync(ct);
        if (run.Claimed > 0)
        {
            logger.LogInformation("Outbox: {Sent} of {Claimed} queued e-mails sent, {Failed} to retry, {GaveUp} given up", run.Sent, run.Claimed, run.Failed, run.GaveUp);
        }
        if (await outbox.PurgeAsync(ct) is > 0 and var purged)
        {
            logger.LogInformation("Outbox: {Purged} old sent or given-up e-mails deleted", purged);
        }
    }
}
