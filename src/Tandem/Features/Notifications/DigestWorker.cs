using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Notifications;

/// <summary>Runs <see cref="SendDailyDigests"/> on every node at the configured interval, in a fresh scope per tick (the claim keeps nodes apart).</summary>
public sealed class DigestWorker(IServiceScopeFactory scopes, IOptions<DigestOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<DigestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(options.Value.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await telemetry.MeasurePassAsync("notification-digests", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var run = await scope.ServiceProvider.GetRequiredService<SendDailyDigests>().RunAsync(stoppingToken);
                    if (run.Digests > 0)
                    {
                        logger.LogInformation("Sent {Digests} daily digests listing {Notifications} notifications", run.Digests, run.Notifications);
                    }
                }, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // What is waiting stays marked as waiting, so the next tick picks it up.
                logger.LogError(ex, "The daily digest pass failed; trying again at the next tick");
            }
        }
    }
}
