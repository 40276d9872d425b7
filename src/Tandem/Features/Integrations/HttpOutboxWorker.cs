using Microsoft.Extensions.Options;

namespace Tandem.Features.Integrations;

/// <summary>Retries queued channel posts and webhook deliveries on every node, ticking on the injected <see cref="TimeProvider"/>.</summary>
public sealed class HttpOutboxWorker(IServiceScopeFactory scopes, IOptions<IntegrationOptions> options, TimeProvider clock, ILogger<HttpOutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Outbox.WorkerEnabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.Outbox.Interval, clock, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                var outbox = scope.ServiceProvider.GetRequiredService<HttpOutbox>();
                var run = await outbox.DeliverDueAsync(stoppingToken);
                if (run.Claimed > 0)
                {
                    logger.LogInformation("Outbound posts: {Sent} of {Claimed} sent, {Failed} to retry, {GaveUp} given up", run.Sent, run.Claimed, run.Failed, run.GaveUp);
                }
                await outbox.PurgeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Claims run out after the lease, so whatever this pass held is taken again later.
                logger.LogError(e, "The outbound outbox pass failed; retrying at the next tick");
            }
        }
    }
}
