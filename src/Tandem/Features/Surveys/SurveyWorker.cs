using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Surveys;

/// <summary>Runs <see cref="DispatchSurveys"/> on every node at the configured interval (each tick works out again what is due).</summary>
public sealed class SurveyWorker(IServiceScopeFactory scopes, IOptions<SurveyOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<SurveyWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "surveys", options.Value.Enabled, options.Value.Interval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var run = await services.GetRequiredService<DispatchSurveys>().RunAsync(ct);
        if (run.Opened + run.Invited + run.Reminded + run.Closed > 0)
        {
            logger.LogInformation("Surveys: {Opened} opened, {Invited} invitations, {Reminded} reminders, {Closed} closed",
                run.Opened, run.Invited, run.Reminded, run.Closed);
        }
    }
}
