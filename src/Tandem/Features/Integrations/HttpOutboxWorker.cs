using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Integrations;

/// <summary>
/// Retries queued channel posts and webhook deliveries on every node at the configured interval. Claims run out after
/// their lease, so whatever a failed pass held is taken again later.
/// </summary>
public sealed class HttpOutboxWorker(IServiceScopeFactory scopes, IOptions<IntegrationOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<HttpOutboxWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "http-outbox", options.Value.Outbox.WorkerEnabled, options.Value.Outbox.Interval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var outbox = services.GetRequiredService<HttpOutbox>();
        var run = await outbox.DeliverDueAsync(ct);
        if (run.Claimed > 0)
        {
            logger.LogInformation("Outbound posts: {Sent} of {Claimed} sent, {Failed} to retry, {GaveUp} given up", run.Sent, run.Claimed, run.Failed, run.GaveUp);
        }
        await outbox.PurgeAsync(ct);
    }
}
