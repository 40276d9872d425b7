using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Conversations;

/// <summary>The "Conversations" configuration section.</summary>
public sealed class ConversationOptions
{
    /// <summary>How often each node closes the live connections whose sign-in session has ended.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The live connections this node holds, each with the sign-in session (ADR 1) it was opened with. The session check
/// runs on every HTTP request, but a WebSocket is one request that stays open: after a sign-out, a password change or
/// reset, a disabled or erased account, it would go on receiving every message of the conversations it follows. The
/// hub checks the session on each Follow, and <see cref="LiveSessionWorker"/> closes the connections whose session has
/// ended.
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, (HubCallerContext Connection, SessionKey Session)> open = new();

    public void Add(HubCallerContext connection, SessionKey session) => open[connection.ConnectionId] = (connection, session);

    public void Remove(string connectionId) => open.TryRemove(connectionId, out _);

    /// <summary>Closes every connection on this node whose session is no longer open; how many were closed.</summary>
    public async Task<int> CloseEndedAsync(TandemDb db, CancellationToken ct)
    {
        var held = open.Values.ToList();
        if (held.Count == 0)
        {
            return 0;
        }
        var stillOpen = await SessionValidation.OpenOfAsync(db, held.Select(c => c.Session).ToList(), ct);
        var closed = 0;
        foreach (var (connection, session) in held.Where(c => !stillOpen.Contains(c.Session)))
        {
            Remove(connection.ConnectionId);
            connection.Abort();
            closed++;
        }
        return closed;
    }
}

/// <summary>Every <see cref="ConversationOptions.SessionCheckInterval"/>, closes this node's live connections whose session has ended.</summary>
public sealed class LiveSessionWorker(IServiceScopeFactory scopes, LiveConnections connections, IOptions<ConversationOptions> options, TimeProvider clock,
    TandemTelemetry telemetry, ILogger<LiveSessionWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "live-sessions", enabled: true, options.Value.SessionCheckInterval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var closed = await connections.CloseEndedAsync(services.GetRequiredService<TandemDb>(), ct);
        if (closed > 0)
        {
            logger.LogInformation("Closed {Count} live connections whose sign-in session had ended", closed);
        }
    }
}
