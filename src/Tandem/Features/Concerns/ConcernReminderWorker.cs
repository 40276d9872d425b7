using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Concerns;

/// <summary>Runs <see cref="RemindUnacknowledgedConcerns"/> at the configured interval (what is due is worked out from the concerns at each tick).</summary>
public sealed class ConcernReminderWorker(IServiceScopeFactory scopes, IOptions<ConcernOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<ConcernReminderWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "concern-reminders", options.Value.ReminderWorkerEnabled, options.Value.ReminderInterval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var reminded = await services.GetRequiredService<RemindUnacknowledgedConcerns>().RunAsync(ct);
        if (reminded > 0)
        {
            logger.LogInformation("Reminded the handlers of {Count} unacknowledged concerns", reminded);
        }
    }
}
