using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Concerns;

/// <summary>Runs <see cref="RemindUnacknowledgedConcerns"/> at the configured interval, in a fresh scope per tick.</summary>
public sealed class ConcernReminderWorker(IServiceScopeFactory scopes, IOptions<ConcernOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<ConcernReminderWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReminderWorkerEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.ReminderInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await telemetry.MeasurePassAsync("concern-reminders", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var reminded = await scope.ServiceProvider.GetRequiredService<RemindUnacknowledgedConcerns>().RunAsync(stoppingToken);
                    if (reminded > 0)
                    {
                        logger.LogInformation("Reminded the handlers of {Count} unacknowledged concerns", reminded);
                    }
                }, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // What is due is recomputed from the concerns at the next tick, so nothing is lost by carrying on.
                logger.LogError(ex, "Reminding of unacknowledged concerns failed; trying again at the next tick");
            }
        }
    }
}
