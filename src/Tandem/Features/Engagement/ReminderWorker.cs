using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Engagement;

/// <summary>Runs <see cref="SendReminders"/> on every node at the configured interval, in a fresh scope per tick.</summary>
public sealed class ReminderWorker(IServiceScopeFactory scopes, IOptions<EngagementOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<ReminderWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RemindersEnabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.ReminderInterval, clock, stoppingToken);
                await telemetry.MeasurePassAsync("reminders", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var run = await scope.ServiceProvider.GetRequiredService<SendReminders>().RunAsync(stoppingToken);
                    if (run.Sent > 0)
                    {
                        logger.LogInformation("Sent {Sent} of {Due} due reminders", run.Sent, run.Due);
                    }
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The next tick recomputes what is due, so nothing is lost by carrying on.
                logger.LogError(e, "The reminder job failed; retrying at the next tick");
            }
        }
    }
}
