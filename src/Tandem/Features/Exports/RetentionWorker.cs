using Microsoft.Extensions.Options;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Exports;

/// <summary>
/// Runs <see cref="ApplyRetention"/> on every node at the configured interval (ADR 49). A program's anonymisation is one
/// transaction: one that failed is found again at the next tick.
/// </summary>
public sealed class RetentionWorker(IServiceScopeFactory scopes, IOptions<RetentionOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<RetentionWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "retention", options.Value.WorkerEnabled, options.Value.Interval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var pass = await services.GetRequiredService<ApplyRetention>().RunAsync(ct);
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
    }
}
