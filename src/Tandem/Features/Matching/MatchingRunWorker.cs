using Microsoft.Extensions.Options;

namespace Tandem.Features.Matching;

/// <summary>
/// Works matching runs on every node: wakes when a request on this node queues one, and otherwise looks every
/// <see cref="MatchingOptions.PollInterval"/> for runs queued elsewhere or left behind by a node that stopped. Each run is
/// claimed first (<see cref="MatchingRunQueue.ClaimNextAsync"/>), so of all the nodes exactly one works it.
/// </summary>
public sealed class MatchingRunWorker(IServiceScopeFactory scopes, MatchingRunSignals signals, IOptions<MatchingOptions> options, ILogger<MatchingRunWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signals.WaitForWorkAsync(options.Value.PollInterval, stoppingToken);
                while (await WorkOneAsync(stoppingToken))
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A claim this pass held runs out after its lease and is taken again.
                logger.LogError(e, "The matching worker's pass failed; looking again at the next tick");
            }
        }
    }

    /// <summary>Claims and works one run; false when there was none to claim.</summary>
    public async Task<bool> WorkOneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var claim = await scope.ServiceProvider.GetRequiredService<MatchingRunQueue>().ClaimNextAsync(ct);
        if (claim is null)
        {
            return false;
        }
        await scope.ServiceProvider.GetRequiredService<MatchingRunProcessor>().ProcessAsync(claim, ct);
        return true;
    }
}
