using Tandem.Infrastructure.Telemetry;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// A background job that runs one pass at a fixed interval on every node, ticking on the injected <see cref="TimeProvider"/>
/// (tests move a fake clock). Each pass gets a fresh scope, is measured as <c>tandem.background.passes</c> under the job's
/// <paramref name="name"/> (also in its traces and logs), and a pass that fails is logged and tried again at the next tick:
/// every job that derives from this works out from the database what is due, so nothing is lost by carrying on. A job
/// the operator turned off (<paramref name="enabled"/> false) does nothing on this node. ADR 76.
/// </summary>
public abstract class IntervalWorker(IServiceScopeFactory scopes, TimeProvider clock, TandemTelemetry telemetry, ILogger logger,
    string name, bool enabled, TimeSpan interval) : BackgroundService
{
    /// <summary>One pass, with the services of the pass's own scope.</summary>
    protected abstract Task PassAsync(IServiceProvider services, CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await telemetry.MeasurePassAsync(name, async () =>
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await PassAsync(scope.ServiceProvider, stoppingToken);
                    }, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(e, "The {Worker} pass failed; trying again at the next tick", name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
