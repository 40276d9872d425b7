using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Surveys;

/// <summary>Runs <see cref="DispatchSurveys"/> on every node at the configured interval, in a fresh scope per tick.</summary>
public sealed class SurveyWorker(IServiceScopeFactory scopes, IOptions<SurveyOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<SurveyWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.Interval, clock, stoppingToken);
                await telemetry.MeasurePassAsync("surveys", async () =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var run = await scope.ServiceProvider.GetRequiredService<DispatchSurveys>().RunAsync(stoppingToken);
                    if (run.Opened + run.Invited + run.Reminded + run.Closed > 0)
                    {
                        logger.LogInformation("Surveys: {Opened} opened, {Invited} invitations, {Reminded} reminders, {Closed} closed",
                            run.Opened, run.Invited, run.Reminded, run.Closed);
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
                logger.LogError(e, "The survey job failed; retrying at the next tick");
            }
        }
    }
}
