using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Data;

/// <summary>
/// Puts every SQLite database in WAL mode, and every connection to it on a busy timeout with foreign keys on, so
/// readers never block the writer and two writers wait for each other instead of failing with "database is locked".
/// </summary>
/// <remarks>
/// WAL is a property of the database file and stays set, so it is asked for once per database file and process: the
/// pragma takes the database's locks and reads its header, which held <c>/health/ready</c> to about 850 requests/s when
/// every pooled connection ran it on opening (issue 17, ADR 46). The other two pragmas belong to the connection and cost
/// nothing.
/// </remarks>
internal sealed class SqliteWalInterceptor : DbConnectionInterceptor
{
    private const string ConnectionPragmas = "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;";
    private const string DatabasePragma = "PRAGMA journal_mode=WAL;";
    private static readonly ConcurrentDictionary<string, bool> InWal = new(StringComparer.Ordinal);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection, out var database);
        command.ExecuteNonQuery();
        InWal.TryAdd(database, true);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection, out var database);
        await command.ExecuteNonQueryAsync(cancellationToken);
        InWal.TryAdd(database, true);
    }

    private static string Pragmas(DbConnection connection, out string database)
    {
        // An in-memory database (no file) is never in WAL mode: asking each time is harmless there.
        database = connection.DataSource;
        return database.Length > 0 && InWal.ContainsKey(database) ? ConnectionPragmas : ConnectionPragmas + " " + DatabasePragma;
    }
}
