using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Data;

/// <summary>
/// Puts every SQLite database in WAL mode, and every connection to it on a busy timeout with foreign keys on and
/// <c>synchronous=NORMAL</c>, so readers never block the writer, two writers wait for each other instead of failing with
/// "database is locked", and a commit appends to the log without waiting for the disk (ADR 79).
/// </summary>
/// <remarks>
/// WAL is a property of the database file and stays set, so it is asked for once per database file and process: the
/// pragma takes the database's locks and reads its header, which held <c>/health/ready</c> to about 850 requests/s when
/// every pooled connection ran it on opening (issue 17, ADR 46). The other pragmas belong to the connection and cost
/// nothing on a pooled one, which has read the schema before. A read-only connection gets no <c>synchronous</c>: it
/// never commits, and EF Core's existence check (the health check's) opens a fresh one every time, where setting it
/// makes SQLite read the whole schema first, which cost <c>/health/ready</c> 94% of its rate (ADR 79).
/// </remarks>
internal sealed class SqliteWalInterceptor : DbConnectionInterceptor
{
    private const string ReopeningPragmas = "PRAGMA busy_timeout=5000;";
    private const string ReopeningWriterPragmas = ReopeningPragmas + " PRAGMA synchronous=NORMAL;";
    private const string ConnectionPragmas = ReopeningPragmas + " PRAGMA foreign_keys=ON;";
    private const string WriterPragmas = ConnectionPragmas + " PRAGMA synchronous=NORMAL;";
    private const string DatabasePragma = "PRAGMA journal_mode=WAL;";
    private static readonly ConcurrentDictionary<string, bool> InWal = new(StringComparer.Ordinal);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is KeptSqliteConnection { Reopened: true } kept)
        {
            // Set up when it was first opened. The pragmas that code may have changed since are set again; foreign_keys is
            // not, as setting it makes SQLite compile every statement the connection keeps again (ADR 136), and only a
            // migration turns it off, and back on.
            kept.RunKept(Reopening(connection));
            return;
        }
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection, out var database);
        command.ExecuteNonQuery();
        InWal.TryAdd(database, true);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is KeptSqliteConnection { Reopened: true } kept)
        {
            kept.RunKept(Reopening(connection));
            return;
        }
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection, out var database);
        await command.ExecuteNonQueryAsync(cancellationToken);
        InWal.TryAdd(database, true);
    }

    private static string Reopening(DbConnection connection) => ReadOnly(connection) ? ReopeningPragmas : ReopeningWriterPragmas;

    private static bool ReadOnly(DbConnection connection) =>
        connection.ConnectionString.Contains("Mode=ReadOnly", StringComparison.OrdinalIgnoreCase);

    private static string Pragmas(DbConnection connection, out string database)
    {
        // An in-memory database (no file) is never in WAL mode: asking each time is harmless there.
        database = connection.DataSource;
        var pragmas = ReadOnly(connection) ? ConnectionPragmas : WriterPragmas;
        return database.Length > 0 && InWal.ContainsKey(database) ? pragmas : pragmas + " " + DatabasePragma;
    }
}
