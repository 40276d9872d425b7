using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Relationships;

/// <summary>Runs <see cref="ExpireMentorRequests"/> every few minutes in a fresh scope.</summary>
public sealed class MentorRequestTimeoutWorker(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<MentorRequestOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<MentorRequestTimeoutWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.TimeoutWorkerEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await telemetry.MeasurePassAsync("mentor-request-timeouts", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var expired = await scope.ServiceProvider.GetRequiredService<ExpireMentorRequests>().RunAsync(_node, stoppingToken);
                    if (expired > 0)
                    {
                        logger.LogInformation("Timed out {Count} mentor requests", expired);
                    }
                }, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Timing out mentor requests failed; trying again at the next tick");
            }
        }
    }
}
