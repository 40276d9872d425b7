using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Notifications;

/// <summary>
/// Runs <see cref="SendDailyDigests"/> on every node at the configured interval (the claim keeps nodes apart; what is
/// waiting stays marked as waiting when a pass fails).
/// </summary>
public sealed class DigestWorker(IServiceScopeFactory scopes, IOptions<DigestOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<DigestWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "notification-digests", options.Value.WorkerEnabled, options.Value.Interval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var run = await services.GetRequiredService<SendDailyDigests>().RunAsync(ct);
        if (run.Digests > 0)
        {
            logger.LogInformation("Sent {Digests} daily digests listing {Notifications} notifications", run.Digests, run.Notifications);
        }
    }
}
