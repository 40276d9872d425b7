using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Infrastructure.Email;

/// <summary>Retries queued e-mails on every node, ticking on the injected <see cref="TimeProvider"/>.</summary>
public sealed class MailOutboxWorker(IServiceScopeFactory scopes, IOptions<EmailOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<MailOutboxWorker> logger) : BackgroundService
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
                await telemetry.MeasurePassAsync("outbox", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var outbox = scope.ServiceProvider.GetRequiredService<MailOutbox>();
                    var run = await outbox.DeliverDueAsync(stoppingToken);
                    if (run.Claimed > 0)
                    {
                        logger.LogInformation("Outbox: {Sent} of {Claimed} queued e-mails sent, {Failed} to retry, {GaveUp} given up", run.Sent, run.Claimed, run.Failed, run.GaveUp);
                    }
                    if (await outbox.PurgeAsync(stoppingToken) is > 0 and var purged)
                    {
                        logger.LogInformation("Outbox: {Purged} old sent or given-up e-mails deleted", purged);
                    }
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Claims run out after the lease, so whatever this pass held is taken again later.
                logger.LogError(e, "The outbox pass failed; retrying at the next tick");
            }
        }
    }
}
