using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Engagement;

/// <summary>Runs <see cref="SendReminders"/> on every node at the configured interval (each tick works out again what is due).</summary>
public sealed class ReminderWorker(IServiceScopeFactory scopes, IOptions<EngagementOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<ReminderWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "reminders", options.Value.RemindersEnabled, options.Value.ReminderInterval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var run = await services.GetRequiredService<SendReminders>().RunAsync(ct);
        if (run.Sent > 0)
        {
            logger.LogInformation("Sent {Sent} of {Due} due reminders", run.Sent, run.Due);
        }
    }
}
