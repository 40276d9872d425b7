using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Data;

/// <summary>
/// Lets one write transaction at a time into each SQLite database of this process, the others waiting their turn
/// without a thread or a timer (issue 17, ADR 71).
/// </summary>
/// <remarks>
/// SQLite has one writer: Microsoft.Data.Sqlite begins every transaction with <c>BEGIN IMMEDIATE</c>, which takes the
/// write lock, and a second writer is left to SQLite's busy handler, which sleeps its thread for 1, 2, 5, 10, 25 ms
/// and more between tries. Under parallel check-ins that wasted a third of both cores (32 parallel check-ins gave no
/// more than one at a time), and a request could sleep past the lock's release. Here a transaction first waits on an
/// async gate per database file, released when it commits, rolls back or fails, or at the latest when its connection
/// closes (a transaction disposed without either; the driver's StateChange event, since a pooled context closes
/// its connection without EF's connection interceptors). A gate not had within the busy timeout is passed without: SQLite's
/// own lock still decides, as before, so a transaction begun while the same flow holds another one cannot deadlock.
/// Writes outside a transaction (a lone <c>ExecuteUpdate</c>) and other processes on the same file still meet the
/// busy handler.
/// <para>A transaction disposed without a commit or a rollback (EF Core's <c>SaveChanges</c> when a statement fails, such
/// as a unique violation a use case retries) ends without an interceptor event, so its connection still holds the gate:
/// that connection's next transaction keeps it rather than waiting on itself. Before, every such retry waited the whole
/// busy timeout with every other writer of the database queued behind it (twelve messages sent at once to one
/// conversation took 58 s on SQLite; ADR 71, amended).</para>
/// </remarks>
internal sealed class SqliteWriteGate : DbTransactionInterceptor
{
    /// <summary>How long a transaction waits for the gate before going to SQLite's lock without it (the busy timeout).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<DbConnection, Held> HeldBy = new();

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        if (!HeldBy.TryGetValue(connection, out _) && GateOf(connection) is { } gate && gate.Wait(Patience))
        {
            Hold(connection, gate);
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (!HeldBy.TryGetValue(connection, out _) && GateOf(connection) is { } gate && await gate.WaitAsync(Patience, cancellationToken))
        {
            Hold(connection, gate);
        }
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(eventData));

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(eventData));

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(ConnectionOf(eventData));
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        // A failed savepoint leaves the transaction open; a failed commit or rollback ends it.
        if (eventData.Action is "Commit" or "Rollback")
        {
            Release(ConnectionOf(eventData));
        }
    }

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // A committed or rolled-back DbTransaction has let go of its connection; the context still has it.
    private static DbConnection? ConnectionOf(TransactionEventData eventData) =>
        eventData.Context is { } context ? Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(context.Database) : null;

    private static SemaphoreSlim? GateOf(DbConnection connection)
    {
        // An in-memory database (no file) is one connection's own: nothing to queue for.
        var database = connection.DataSource;
        return database.Length == 0 ? null : Gates.GetOrAdd(database, _ => new SemaphoreSlim(1, 1));
    }

    // Only a connection that holds no gate takes one (TransactionStarting), so there is no earlier hold to let go.
    private static void Hold(DbConnection connection, SemaphoreSlim gate) => HeldBy.AddOrUpdate(connection, new Held(connection, gate));

    private static void Release(DbConnection? connection)
    {
        if (connection is not null && HeldBy.TryGetValue(connection, out var held))
        {
            held.Release();
        }
    }

    /// <summary>The gate as one connection holds it: let go once, at the transaction's end or the connection's closing.</summary>
    private sealed class Held
    {
        private readonly DbConnection _connection;
        private readonly SemaphoreSlim _gate;
        private int _held = 1;

        public Held(DbConnection connection, SemaphoreSlim gate)
        {
            _connection = connection;
            _gate = gate;
            // A pooled context closes its connection without EF's connection interceptors; the driver's event still fires.
            connection.StateChange += Closed;
        }

        public void Release()
        {
            if (Interlocked.Exchange(ref _held, 0) == 1)
            {
                _connection.StateChange -= Closed;
                HeldBy.Remove(_connection);
                _gate.Release();
            }
        }

        private void Closed(object? sender, System.Data.StateChangeEventArgs e)
        {
            if (e.CurrentState == System.Data.ConnectionState.Closed)
            {
                Release();
            }
        }
    }
}
