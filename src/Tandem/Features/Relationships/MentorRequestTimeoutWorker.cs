using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Relationships;

/// <summary>Runs <see cref="ExpireMentorRequests"/> every few minutes.</summary>
public sealed class MentorRequestTimeoutWorker(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<MentorRequestOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<MentorRequestTimeoutWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "mentor-request-timeouts", options.Value.TimeoutWorkerEnabled, TimeSpan.FromMinutes(5))
{
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var expired = await services.GetRequiredService<ExpireMentorRequests>().RunAsync(_node, ct);
        if (expired > 0)
        {
            logger.LogInformation("Timed out {Count} mentor requests", expired);
        }
    }
}
