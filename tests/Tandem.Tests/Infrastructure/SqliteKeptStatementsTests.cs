using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Engagement;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// On SQLite a pooled context's connection stays open between requests and keeps the statements it compiled (issue 17,
/// ADR 136). What a user would notice if that went wrong: a page showing data from before another person's change (a
/// reader left open holds its snapshot), one request's transaction or settings reaching the next, a failed statement
/// failing again, or a stopped app leaving its database open.
/// </summary>
public sealed class SqliteKeptStatementsTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AQueryRunAgainOnTheSameConnectionReusesItsStatementAndSeesWhatOthersWroteSince()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            return; // Npgsql prepares statements itself (ADR 60).
        }
        var key = $"kept:{Guid.NewGuid():N}";
        await using var reader = factory.Services.CreateAsyncScope();
        var db = reader.ServiceProvider.GetRequiredService<TandemDb>();
        await db.Database.OpenConnectionAsync();
        var connection = Assert.IsType<KeptSqliteConnection>(db.Database.GetDbConnection());
        Task<int> CountAsync(string prefix) => db.Set<ReminderDispatch>().CountAsync(d => d.Key.StartsWith(prefix));

        Assert.Equal(0, await CountAsync(key));
        var reusedBefore = connection.Reused;
        await factory.WithScopeAsync(async s =>
        {
            var other = s.GetRequiredService<TandemDb>();
            other.Add(new ReminderDispatch(key, Guid.NewGuid(), "node-a", DateTime.UtcNow));
            return await other.SaveChangesAsync();
        });

        Assert.Equal(1, await CountAsync(key));
        Assert.Equal(reusedBefore + 1, connection.Reused);
        // The same statement with another value bound: nothing of the first run's parameters is left on it.
        Assert.Equal(0, await CountAsync(key + ":none"));
    }

    [Fact]
    public async Task AReaderLeftOpenAndATransactionLeftUncommittedEndWithTheLogicalClosing()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        var file = Path.Combine(Path.GetTempPath(), "tandem-tests", $"kept-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var connectionString = $"Data Source={file};Pooling=False";
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var create = setup.CreateCommand();
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2);";
            await create.ExecuteNonQueryAsync();
        }
        try
        {
            await using var kept = new KeptSqliteConnection(connectionString);
            await kept.OpenAsync();
            var left = kept.CreateCommand();
            left.CommandText = "SELECT n FROM t";
            var open = await left.ExecuteReaderAsync();
            Assert.True(await open.ReadAsync()); // a read transaction now holds the database as it is
            await kept.CloseAsync();
            Assert.Equal(1, KeptSqliteConnection.OpenUnderneath(file));

            await using (var writer = new SqliteConnection(connectionString))
            {
                await writer.OpenAsync();
                await using var insert = writer.CreateCommand();
                insert.CommandText = "INSERT INTO t VALUES (3);";
                await insert.ExecuteNonQueryAsync();
            }

            await kept.OpenAsync();
            Assert.Equal(3L, await ScalarAsync(kept, "SELECT count(*) FROM t"));

            var transaction = kept.BeginTransaction();
            await using (var insert = kept.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO t VALUES (4);";
                await insert.ExecuteNonQueryAsync();
            }
            await kept.CloseAsync(); // neither committed nor rolled back: rolled back, as a closing does
            await kept.OpenAsync();
            Assert.Equal(3L, await ScalarAsync(kept, "SELECT count(*) FROM t"));
            await kept.CloseAsync();

            await kept.DisposeAsync();
            Assert.Equal(0, KeptSqliteConnection.OpenUnderneath(file));
        }
        finally
        {
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public async Task AStoppedAppLeavesNoConnectionToItsDatabaseOpen()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        var connectionString = TestDatabase.NewConnectionString();
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var host = factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Tandem", connectionString));
        await DatabaseSetup.MigrateAsync(host.Services);
        var client = host.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("/")));
        Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode, $"{a.StatusCode}"));
        Assert.True(KeptSqliteConnection.OpenUnderneath(file) > 0, "the pages' contexts keep their connections open");

        await host.DisposeAsync();

        Assert.Equal(0, KeptSqliteConnection.OpenUnderneath(file));
    }

    [Fact]
    public async Task NoColumnNeedsTheDecimalFunctionsEfCoreRegistersOnItsOwnConnections()
    {
        // EF Core's SQLite provider registers ef_add, ef_compare and the other decimal functions (and regexp) on the
        // connections it makes; a kept connection is made by Tandem and has none of them (ADR 136). A decimal column would
        // need them in its queries: register them in KeptSqliteConnection first.
        var decimals = await factory.WithScopeAsync(s => Task.FromResult(s.GetRequiredService<TandemDb>().Model.GetEntityTypes()
            .SelectMany(e => e.GetProperties())
            .Where(p => Nullable.GetUnderlyingType(p.ClrType) == typeof(decimal) || p.ClrType == typeof(decimal))
            .Select(p => $"{p.DeclaringType.DisplayName()}.{p.Name}").ToList()));
        Assert.Empty(decimals);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
