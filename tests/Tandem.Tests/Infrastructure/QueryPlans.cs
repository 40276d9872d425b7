using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// The database's plan of each query of a use case whose SQL <paramref name="explain"/> picks, asked just before the query
/// runs, on its connection and with its parameters: SQLite's <c>EXPLAIN QUERY PLAN</c>, PostgreSQL's <c>EXPLAIN</c>. On
/// PostgreSQL the plan is asked with sequential scans and sorts priced out (<c>enable_seqscan</c>, <c>enable_sort</c>
/// off), so that on a test's few rows it shows whether an index can give the rows in the query's order (a Sort still
/// appears when none can), not which plan a handful of rows makes cheapest. Run the use case over it with
/// <see cref="UseCaseOver"/>.
/// </summary>
public sealed class QueryPlans(Func<string, bool> explain) : DbCommandInterceptor
{
    private readonly List<(string Sql, string Plan)> plans = [];

    /// <summary>Each picked query's SQL and its plan (one line per step), in the order they ran.</summary>
    public IReadOnlyList<(string Sql, string Plan)> Plans => plans;

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (explain(command.CommandText))
        {
            plans.Add((command.CommandText, await PlanAsync(command, cancellationToken)));
        }
        return result;
    }

    private static async Task<string> PlanAsync(DbCommand command, CancellationToken ct)
    {
        var postgres = command is NpgsqlCommand;
        if (postgres)
        {
            await RunAsync(command, "SET enable_seqscan = off; SET enable_sort = off", ct);
        }
        try
        {
            await using var plan = command.Connection!.CreateCommand();
            plan.Transaction = command.Transaction;
            plan.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + command.CommandText;
            foreach (DbParameter parameter in command.Parameters)
            {
                plan.Parameters.Add(parameter switch
                {
                    NpgsqlParameter p => p.Clone(),
                    SqliteParameter p => new SqliteParameter(p.ParameterName, p.Value) { SqliteType = p.SqliteType, Size = p.Size },
                    _ => throw new NotSupportedException(parameter.GetType().Name),
                });
            }
            var lines = new List<string>();
            await using var reader = await plan.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                // SQLite: id, parent, not used, detail; PostgreSQL: one line of text.
                lines.Add(reader.GetString(reader.FieldCount - 1));
            }
            return string.Join('\n', lines);
        }
        finally
        {
            if (postgres)
            {
                await RunAsync(command, "RESET enable_seqscan; RESET enable_sort", ct);
            }
        }
    }

    private static async Task RunAsync(DbCommand command, string sql, CancellationToken ct)
    {
        await using var set = command.Connection!.CreateCommand();
        set.Transaction = command.Transaction;
        set.CommandText = sql;
        await set.ExecuteNonQueryAsync(ct);
    }
}
