using System.Data.Common;
using Microsoft.AspNetCore.SignalR;
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
/// Only for the endpoints that ask for it (<see cref="OpensRequestConnection{TBuilder}"/>: the features' API and the
/// pages), so not for static files, the health checks (whose check uses a context of its own: opening the request's
/// as well cost /health/ready a third of its rate) or the metrics; and never for a SignalR hub or a WebSocket, whose
/// request lasts as long as the live connection and would hold a database connection for hours. A connection that
/// cannot be opened here is not an error here: the endpoint's own first query meets the same failure and answers it as
/// it always has.
/// </remarks>
public static class RequestConnection
{
    /// <summary>The endpoint metadata that asks for the connection to be opened once for the request.</summary>
    public sealed class Marker
    {
        public static readonly Marker Instance = new();

        private Marker()
        {
        }
    }

    /// <summary>These endpoints' requests open their database connection once (see <see cref="RequestConnection"/>).</summary>
    public static TBuilder OpensRequestConnection<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Marker.Instance);

    public static IApplicationBuilder UseRequestDatabaseConnection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<Marker>() is not null && !context.WebSockets.IsWebSocketRequest
            && endpoint.Metadata.GetMetadata<HubMetadata>() is null)
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
