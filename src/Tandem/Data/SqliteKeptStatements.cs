using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tandem.Data;

/// <summary>
/// Keeps SQLite's compiled statements from one request to the next (issue 17, ADR 136). Microsoft.Data.Sqlite compiles a
/// command's SQL when it first runs and throws the compiled statement away with the command (dotnet/efcore#14044), and EF
/// Core makes a new command for every query, so every query of every request was parsed and planned again: about half of
/// SQLite's time under the mixed workload. Here a pooled context's connection stays open between the requests that lease
/// the context (<see cref="KeptSqliteConnection"/>), and each connection keeps the commands EF Core runs on it, by SQL
/// text, to run them again with new parameter values.
/// </summary>
/// <remarks>
/// A kept command is taken only when it is idle (a query that reads while the same query runs again gets a new command),
/// is dropped when its query fails or is cancelled, and the connection keeps at most <see cref="KeptSqliteConnection.MostKept"/>
/// (the least recently used goes). Only the commands EF Core makes for queries and saves are kept; a command code makes
/// on the connection itself is disposed as before.
/// </remarks>
internal static class SqliteKeptStatements
{
    /// <summary>The interceptors: the context's connection is a <see cref="KeptSqliteConnection"/>, and its commands are kept.</summary>
    public static IInterceptor[] Interceptors { get; } = [new Connections(), new Commands()];

    private sealed class Connections : DbConnectionInterceptor
    {
        public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
            eventData.ConnectionString is { Length: > 0 } connectionString
                ? InterceptionResult<DbConnection>.SuppressWithResult(new KeptSqliteConnection(connectionString))
                : result;
    }

    private sealed class Commands : DbCommandInterceptor
    {
        public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result) =>
            result is KeptSqliteConnection.Command { Connection: KeptSqliteConnection connection } command ? connection.Reuse(command) : result;

        public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Drop(command);

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Drop(command);
            return Task.CompletedTask;
        }

        public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Drop(command);

        public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Drop(command);
            return Task.CompletedTask;
        }

        // A statement whose run failed may be left part-way: it is not run again.
        private static void Drop(DbCommand command)
        {
            if (command is KeptSqliteConnection.Command { Connection: KeptSqliteConnection connection } kept)
            {
                connection.Drop(kept);
            }
        }
    }
}

/// <summary>
/// A SQLite connection that a closing only ends logically: the database connection under it stays open, with the
/// statements its commands compiled, until the connection is disposed (a context leaving the pool, the app stopping) or
/// <see cref="CloseAllKept"/> is called. Each logical closing does what a closing did for the next user: an open
/// transaction is rolled back and every command made since the opening that is not kept and idle is disposed, so no
/// reader holds a snapshot of the database into the next request.
/// </summary>
internal sealed class KeptSqliteConnection : SqliteConnection
{
    /// <summary>At most this many statements are kept per connection (the app runs a few hundred distinct ones).</summary>
    public const int MostKept = 200;

    private static readonly StateChangeEventArgs ClosedToOpen = new(ConnectionState.Closed, ConnectionState.Open);
    private static readonly StateChangeEventArgs OpenToClosed = new(ConnectionState.Open, ConnectionState.Closed);
    private static int generation;

    private readonly Dictionary<string, LinkedListNode<Command>> kept = new(StringComparer.Ordinal);
    private readonly LinkedList<Command> recent = new();
    private readonly List<WeakReference<Command>> madeSinceOpening = [];
    private readonly Lock turn = new();
    private bool open;
    private bool underneath;
    private bool openingUnderneath;
    private int openedIn;

    // Every kept connection, to end its database connection when the process exits (as Microsoft.Data.Sqlite does for its
    // pool): the last connection to close checkpoints the write-ahead log into the database file and removes it.
    private static readonly List<WeakReference<KeptSqliteConnection>> All = [];

    static KeptSqliteConnection() => AppDomain.CurrentDomain.ProcessExit += (_, _) => EndAll();

    public KeptSqliteConnection(string connectionString) : base(connectionString)
    {
        lock (All)
        {
            if (All.Count > 64 && All.Count % 64 == 0)
            {
                All.RemoveAll(connection => !connection.TryGetTarget(out _));
            }
            All.Add(new WeakReference<KeptSqliteConnection>(this));
        }
    }

    /// <summary>
    /// Ends the database connection under every kept connection to <paramref name="dataSource"/> that is closed (not in
    /// use): the app calls it as it stops (<see cref="SqliteHeldOpen"/>). A context that EF Core never disposes (those of
    /// the start-up's migrations were such) would otherwise hold its connection open until the process exits.
    /// </summary>
    internal static void EndIdle(string dataSource)
    {
        lock (All)
        {
            foreach (var reference in All)
            {
                if (reference.TryGetTarget(out var connection) && connection.underneath && connection.Reaches(dataSource))
                {
                    lock (connection.turn)
                    {
                        if (!connection.open)
                        {
                            connection.EndUnderneath();
                        }
                    }
                }
            }
        }
    }

    private bool Reaches(string dataSource) => new SqliteConnectionStringBuilder(ConnectionString).DataSource == dataSource;

    private static void EndAll()
    {
        lock (All)
        {
            foreach (var reference in All)
            {
                if (reference.TryGetTarget(out var connection))
                {
                    try
                    {
                        connection.EndUnderneath();
                    }
                    catch (Exception e) when (e is SqliteException or InvalidOperationException or ObjectDisposedException)
                    {
                        // In use by a request the exit interrupted: SQLite recovers from the log at the next opening.
                    }
                }
            }
            All.Clear();
        }
    }

    /// <summary>Whether the database connection underneath was already open (and set up) when this opening began.</summary>
    public bool Reopened { get; private set; }

    /// <summary>How many times a kept command ran again instead of a new one being compiled.</summary>
    internal long Reused { get; private set; }

    /// <summary>How many kept connections to <paramref name="dataSource"/> have their database connection open.</summary>
    internal static int OpenUnderneath(string dataSource)
    {
        lock (All)
        {
            return All.Count(reference => reference.TryGetTarget(out var connection) && connection.underneath && connection.Reaches(dataSource));
        }
    }

    /// <summary>
    /// Ends every kept connection's database connection at its next opening or closing, as
    /// <see cref="SqliteConnection.ClearAllPools"/> does for the pool (a moved or replaced database file is then opened
    /// afresh).
    /// </summary>
    public static void CloseAllKept() => Interlocked.Increment(ref generation);

    public override ConnectionState State => openingUnderneath ? base.State : open ? ConnectionState.Open : ConnectionState.Closed;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string ConnectionString
    {
        get => base.ConnectionString;
        set
        {
            // Called by the base constructor too, before this class's fields are set.
            if (underneath)
            {
                EndUnderneath();
            }
            base.ConnectionString = value;
        }
    }

    public override void Open()
    {
        lock (turn)
        {
            OpenInTurn();
        }
    }

    private void OpenInTurn()
    {
        if (open)
        {
            return;
        }
        if (underneath && openedIn != Volatile.Read(ref generation))
        {
            EndUnderneath();
        }
        if (underneath)
        {
            Reopened = true;
            open = true;
            OnStateChange(ClosedToOpen);
            return;
        }
        openedIn = Volatile.Read(ref generation);
        openingUnderneath = true;
        try
        {
            base.Open();
            underneath = true;
            open = true;
            Reopened = false;
        }
        finally
        {
            openingUnderneath = false;
        }
    }

    public override void Close()
    {
        lock (turn)
        {
            CloseInTurn();
        }
    }

    private void CloseInTurn()
    {
        if (!open)
        {
            return;
        }
        Transaction?.Dispose();
        foreach (var made in madeSinceOpening)
        {
            if (made.TryGetTarget(out var command) && !command.IsKept)
            {
                command.DisposeForGood();
            }
        }
        madeSinceOpening.Clear();
        for (var node = recent.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.InUse)
            {
                Drop(node.Value);
            }
            node = next;
        }
        open = false;
        if (openedIn != Volatile.Read(ref generation))
        {
            EndUnderneath();
        }
        OnStateChange(OpenToClosed);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            EndUnderneath();
        }
        base.Dispose(disposing);
    }

    public override SqliteCommand CreateCommand()
    {
        var command = new Command { Connection = this, CommandTimeout = DefaultTimeout, Transaction = Transaction };
        if (madeSinceOpening.Count > 4 * MostKept)
        {
            madeSinceOpening.RemoveAll(made => !made.TryGetTarget(out _));
        }
        madeSinceOpening.Add(new WeakReference<Command>(command));
        return command;
    }

    protected override DbCommand CreateDbCommand() => CreateCommand();

    /// <summary>
    /// The command to run for <paramref name="made"/>, just made and set up by EF Core: the kept command with the same SQL
    /// given <paramref name="made"/>'s transaction and parameters, or <paramref name="made"/> itself, kept from now on.
    /// </summary>
    internal Command Reuse(Command made)
    {
        var text = made.CommandText;
        if (kept.TryGetValue(text, out var node))
        {
            var command = node.Value;
            if (command.InUse)
            {
                return made;
            }
            recent.Remove(node);
            recent.AddFirst(node);
            var parameters = new SqliteParameter[made.Parameters.Count];
            made.Parameters.CopyTo(parameters, 0);
            made.Parameters.Clear();
            command.Parameters.Clear();
            command.Parameters.AddRange(parameters);
            command.Transaction = made.Transaction;
            command.CommandTimeout = made.CommandTimeout;
            made.DisposeForGood();
            command.InUse = true;
            Reused++;
            return command;
        }
        if (kept.Count >= MostKept)
        {
            for (var last = recent.Last; last is not null; last = last.Previous)
            {
                if (!last.Value.InUse)
                {
                    Drop(last.Value);
                    break;
                }
            }
        }
        if (kept.Count < MostKept)
        {
            made.IsKept = true;
            made.InUse = true;
            kept[text] = recent.AddFirst(made);
        }
        return made;
    }

    /// <summary>Runs <paramref name="sql"/> (no parameters, no rows) with a kept command.</summary>
    internal void RunKept(string sql)
    {
        var made = (Command)CreateCommand();
        made.CommandText = sql;
        var command = Reuse(made);
        try
        {
            command.ExecuteNonQuery();
        }
        catch
        {
            Drop(command);
            throw;
        }
        command.Dispose();
    }

    internal void Drop(Command command)
    {
        if (command.IsKept && kept.Remove(command.CommandText, out var node))
        {
            recent.Remove(node);
        }
        command.DisposeForGood();
    }

    private void EndUnderneath()
    {
        foreach (var command in recent)
        {
            command.DisposeForGood();
        }
        recent.Clear();
        kept.Clear();
        madeSinceOpening.Clear();
        if (underneath)
        {
            openingUnderneath = true;
            try
            {
                base.Close();
            }
            finally
            {
                openingUnderneath = false;
                underneath = false;
                open = false;
            }
        }
    }

    /// <summary>A command of a kept connection: when kept, disposing it makes it idle for the next run of its SQL.</summary>
    internal sealed class Command : SqliteCommand
    {
        public bool IsKept { get; set; }

        public bool InUse { get; set; }

        public void DisposeForGood()
        {
            IsKept = false;
            InUse = false;
            Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && IsKept)
            {
                InUse = false;
                return;
            }
            base.Dispose(disposing);
        }
    }
}
