using System.Data.Common;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.EntityFrameworkCore;

namespace Tandem.Data;

/// <summary>
/// Opens the request's database connection once, when its endpoint is known, so that a page's dozen queries share it
/// (issue 17, ADR 60). Left to itself EF Core opens and closes the connection around every query: on SQLite each opening
/// takes a pooled handle, registers EF's functions on it and runs the connection pragmas (SqliteWalInterceptor), and on
/// PostgreSQL each closing returns the connection to the pool to be reset on its next use. The context closes the
/// connection when the request's scope ends.
/// </summary>
/// <remarks>
/// Not for static files, and never for a SignalR hub or a WebSocket: their request lasts as long as the live connection,
/// and would hold a database connection for hours. A connection that cannot be opened here is not an error here: the
/// endpoint's own first query meets the same failure and answers it as it always has (/health/ready reports it).
/// </remarks>
public static class RequestConnection
{
    public static IApplicationBuilder UseRequestDatabaseConnection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is not null && !context.WebSockets.IsWebSocketRequest
            && endpoint.Metadata.GetMetadata<HubMetadata>() is null && endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is null)
        {
            try
            {
                await context.RequestServices.GetRequiredService<TandemDb>().Database.OpenConnectionAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                // Left closed: the endpoint opens it itself, and fails as it would have.
            }
        }
        await next(context);
    });
}
