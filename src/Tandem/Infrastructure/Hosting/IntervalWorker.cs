using Tandem.Infrastructure.Telemetry;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// A background job that runs one pass at a fixed interval on every node, ticking on the injected <see cref="TimeProvider"/>
/// (tests move a fake clock). Each pass gets a fresh scope, is measured as <c>tandem.background.passes</c> under
/// <see cref="Name"/>, and a pass that fails is logged and tried again at the next tick: every job that derives from this
/// works out from the database what is due, so nothing is lost by carrying on.
/// </summary>
public abstract class IntervalWorker(IServiceScopeFactory scopes, TimeProvider clock, TandemTelemetry telemetry, ILogger logger) : BackgroundService
{
    /// <summary>The job's name in metrics, traces and logs (<c>tandem_worker</c>).</summary>
    protected abstract string Name { get; }

    /// <summary>False when the operator has turned the job off on this node: the worker then does nothing.</summary>
    protected abstract bool Enabled { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass, with the services of the pass's own scope.</summary>
    protected abstract Task PassAsync(IServiceProvider services, CancellationToken ct);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await telemetry.MeasurePassAsync(Name, async () =>
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await PassAsync(scope.ServiceProvider, stoppingToken);
                    }, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(e, "The {Worker} pass failed; trying again at the next tick", Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
