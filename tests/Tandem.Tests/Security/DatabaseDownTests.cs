using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Security;

/// <summary>
/// A host on a database of its own that the test takes away and gives back: on PostgreSQL the database
/// is renamed (so connecting fails as during a restore or a failover), on SQLite its folder is moved.
/// </summary>
public sealed class DatabaseDownTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task WhileTheDatabaseIsAwayPagesAndTheApiAnswer503AndEverythingComesBackWithIt()
    {
        await using var outage = await Outage.StartAsync(factory);
        var user = await outage.CreateUserAsync("Dee Bee");
        var client = await outage.Host.SignedInClientAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);

        await outage.TakeDatabaseAwayAsync();

        // Every request, not just the first: a pooled connection that died and a new one that cannot open alike.
        for (var i = 0; i < 3; i++)
        {
            var api = await client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            Assert.True(api.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 from the API needs Retry-After.");
            Assert.Equal(503, (await api.Content.ReadFromJsonAsync<ProblemDetails>())!.Status);

            var page = await client.GetAsync("/programs");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Back in a moment", await page.Content.ReadAsStringAsync());
            Assert.True(page.Headers.RetryAfter?.Delta > TimeSpan.Zero);

            var signIn = await outage.Host.AnonymousClient().PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, Password = TandemFactory.Password });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, signIn.StatusCode);
        }
        // The load balancer asks without a cookie (with one, reading the session already answers 503 ProblemDetails).
        var probe = outage.Host.AnonymousClient();
        var ready = await probe.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());

        await outage.BringDatabaseBackAsync();

        // Pooled connections that died while it was away are dropped as they are met; a bounded number of tries, no waiting.
        var healthy = false;
        for (var attempt = 0; attempt < 50 && !healthy; attempt++)
        {
            healthy = (await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
        }
        Assert.True(healthy, "Readiness did not recover after the database came back.");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/programs")).StatusCode);
    }

    [Fact]
    public void OnlyConnectionFailuresCountAsTheDatabaseBeingAway()
    {
        Assert.True(DatabaseUnavailableHandler.IsDatabaseUnreachable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(DatabaseUnavailableHandler.IsDatabaseUnreachable(new InvalidOperationException("wrapped", new PostgresException("gone", "FATAL", "FATAL", "3D000"))));
        Assert.True(DatabaseUnavailableHandler.IsDatabaseUnreachable(new PostgresException("shutting down", "FATAL", "FATAL", "57P01")));
        Assert.True(DatabaseUnavailableHandler.IsDatabaseUnreachable(new SqliteException("unable to open database file", 14)));

        Assert.False(DatabaseUnavailableHandler.IsDatabaseUnreachable(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.False(DatabaseUnavailableHandler.IsDatabaseUnreachable(new PostgresException("syntax error", "ERROR", "ERROR", "42601")));
        Assert.False(DatabaseUnavailableHandler.IsDatabaseUnreachable(new SqliteException("no such table: Programs", 1)));
        Assert.False(DatabaseUnavailableHandler.IsDatabaseUnreachable(new InvalidOperationException("a bug")));
    }

    /// <summary>A test host whose database can be taken away and brought back.</summary>
    private sealed class Outage : IAsyncDisposable
    {
        private readonly string connectionString;
        private readonly string? sqliteFolder;

        private Outage(WebApplicationFactory<Program> host, string connectionString, string? sqliteFolder)
        {
            Host = host;
            this.connectionString = connectionString;
            this.sqliteFolder = sqliteFolder;
        }

        public WebApplicationFactory<Program> Host { get; }

        public async Task<UserSummary> CreateUserAsync(string name)
        {
            await using var scope = Host.Services.CreateAsyncScope();
            var outcome = await scope.ServiceProvider.GetRequiredService<CreateUser>().RunAsync(new CreateUserRequest
            {
                Email = $"{name.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid():N}@test.example",
                DisplayName = name,
                Password = TandemFactory.Password,
            });
            return outcome.Value ?? throw new InvalidOperationException(outcome.Failure!.Detail);
        }

        public static async Task<Outage> StartAsync(TandemFactory factory)
        {
            string connection;
            string? folder = null;
            if (TestDatabase.Provider == DatabaseProvider.Sqlite)
            {
                folder = Path.Combine(Path.GetTempPath(), "tandem-tests", $"outage-{Guid.NewGuid():N}");
                Directory.CreateDirectory(folder);
                connection = $"Data Source={Path.Combine(folder, "tandem.db")}";
            }
            else
            {
                connection = TestDatabase.NewConnectionString();
            }
            var host = factory.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:Tandem", connection));
            await DatabaseSetup.MigrateAsync(host.Services);
            return new Outage(host, connection, folder);
        }

        public async Task TakeDatabaseAwayAsync()
        {
            if (sqliteFolder is not null)
            {
                Directory.Move(sqliteFolder, sqliteFolder + "-away");
                // Open pooled and kept connections (ADR 136) would keep reading the moved file; a fresh open finds no folder.
                SqliteConnection.ClearAllPools();
                Tandem.Data.KeptSqliteConnection.CloseAllKept();
                return;
            }
            var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
            await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'; ALTER DATABASE \"{name}\" RENAME TO \"{name}_away\"");
        }

        public async Task BringDatabaseBackAsync()
        {
            if (sqliteFolder is not null)
            {
                Directory.Move(sqliteFolder + "-away", sqliteFolder);
                return;
            }
            var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
            await AdminAsync($"ALTER DATABASE \"{name}_away\" RENAME TO \"{name}\"");
        }

        private async Task AdminAsync(string sql)
        {
            var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (sqliteFolder is null)
            {
                await using var scope = Host.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TandemDb>().Database.EnsureDeletedAsync();
            }
            await Host.DisposeAsync();
        }
    }
}
