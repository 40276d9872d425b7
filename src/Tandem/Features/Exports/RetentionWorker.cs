using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Exports;

/// <summary>Runs <see cref="ApplyRetention"/> on every node at the configured interval, in a fresh scope per tick (ADR 49).</summary>
public sealed class RetentionWorker(IServiceScopeFactory scopes, IOptions<RetentionOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<RetentionWorker> logger) : BackgroundService
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
                await Task.Delay(options.Value.Interval, clock, stoppingToken);
                await telemetry.MeasurePassAsync("retention", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var pass = await scope.ServiceProvider.GetRequiredService<ApplyRetention>().RunAsync(stoppingToken);
                    foreach (var run in pass.Programs)
                    {
                        logger.LogInformation("Retention: the personal data of program {ProgramId} ({ProgramName}), closed {ClosedAt:u} and kept {Months} months, anonymised: {Rows}",
                            run.ProgramId, run.ProgramName, run.ClosedAt, run.KeptMonths, run.RowsJson);
                    }
                    if (pass.Sessions + pass.AccountTokens + pass.Invitations > 0)
                    {
                        logger.LogInformation("Retention: deleted {Sessions} ended sessions, {Tokens} used or expired account links, {Invitations} lapsed invitations",
                            pass.Sessions, pass.AccountTokens, pass.Invitations);
                    }
                }, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A program's anonymisation is one transaction: one that failed is found again at the next tick.
                logger.LogError(e, "The retention pass failed; retrying at the next tick");
            }
        }
    }
}
