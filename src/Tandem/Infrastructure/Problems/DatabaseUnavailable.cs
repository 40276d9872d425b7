using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Tandem.Infrastructure.Problems;

/// <summary>
/// While the database cannot be reached, every request that needs it fails the same way: that is
/// not a bug in the request, so the answer is 503 with Retry-After (ProblemDetails for the API, a
/// "back in a moment" page for people) instead of 500. Only connection failures count; any other
/// database error is a bug and stays a 500. Nothing needs resetting: the next request after the
/// database returns opens a new connection.
/// </summary>
public sealed class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> log) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    // PostgreSQL: the server is shutting down or starting (57P01-57P03), the database is gone (3D000,
    // e.g. being restored), no connection slots left (53300); class 08 is "connection exception".
    private static readonly HashSet<string> UnavailableStates = ["57P01", "57P02", "57P03", "3D000", "53300"];

    /// <summary>Whether the exception (or one it wraps) says the database could not be reached.</summary>
    public static bool IsDatabaseUnreachable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return UnavailableStates.Contains(postgres.SqlState) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal);
                case NpgsqlException npgsql when npgsql.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode == 14; // SQLITE_CANTOPEN: the file or its folder cannot be opened.
            }
        }
        return false;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsDatabaseUnreachable(exception))
        {
            return false;
        }
        log.LogWarning("The database is unreachable ({Message}); answering 503 to {Method} {Path}.",
            exception.GetBaseException().Message, context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/health"))
        {
            await Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Back in a moment",
                detail: $"Tandem cannot reach its database right now. Try again in {RetryAfterSeconds} seconds.").ExecuteAsync(context);
            return true;
        }
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(BackInAMomentPage, cancellationToken);
        return true;
    }

    // Plain HTML, not a Blazor page: the layout's menu itself reads the database.
    private const string BackInAMomentPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <title>Back in a moment · Tandem</title>
            <link rel="stylesheet" href="/app.css" />
        </head>
        <body>
        <main id="main" class="content">
            <h1>Back in a moment</h1>
            <p>Tandem cannot reach its database just now, so this page could not be shown. This usually
               passes within a minute: please try again shortly.</p>
            <p><a href="">Try again</a></p>
        </main>
        </body>
        </html>
        """;
}
