using Microsoft.Data.Sqlite;

namespace Tandem.Data;

/// <summary>
/// While the web app runs on SQLite it keeps one connection to its database open, outside the pool. `tandem restore`
/// refuses a database another connection has open (ADR 43); the pool alone closes idle connections after a while, so
/// an app that had been quiet for a minute looked stopped and could have its database replaced under it. Commands never
/// start the host, so they do not hold one.
/// </summary>
internal sealed class SqliteHeldOpen(string connectionString) : IHostedService, IAsyncDisposable
{
    private SqliteConnection? connection;

    // A host stopped while it is still starting (a test server disposed at once) closed the connection during its first
    // read: Microsoft.Data.Sqlite threw a NullReferenceException from Close. Start and stop take turns.
    private readonly SemaphoreSlim turn = new(1, 1);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            await OpenAsync(cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Opening alone touches nothing: a first read maps the write-ahead log, and from then on the connection
            // holds the shared lock that keeps another process from leaving WAL mode (restore's "in use" check).
            await using var read = connection.CreateCommand();
            read.CommandText = "PRAGMA schema_version;";
            await read.ExecuteScalarAsync(cancellationToken);
        }
        catch (SqliteException)
        {
            // An unreachable database does not stop the app from starting: /health/ready reports it, as before.
            await connection.DisposeAsync();
            connection = null;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await DisposeAsync();
        // The pooled contexts' connections stay open between requests (ADR 136); as the app stops, the idle ones end.
        KeptSqliteConnection.EndIdle(new SqliteConnectionStringBuilder(connectionString).DataSource);
    }

    public async ValueTask DisposeAsync()
    {
        await turn.WaitAsync();
        try
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
                connection = null;
            }
        }
        finally
        {
            turn.Release();
        }
    }
}
