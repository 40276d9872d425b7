using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Tandem.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Database settings (section "Database" plus ConnectionStrings:Tandem).</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the web app starts (default for the embedded SQLite database).</summary>
    public bool? MigrateOnStartup { get; set; }
}

public static class DatabaseSetup
{
    public const string SqliteMigrationsAssembly = "Tandem.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Tandem.Migrations.Postgres";

    public static IServiceCollection AddTandemData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // Named, rather than the binder's "Failed to convert … to type 'Tandem.Data.DatabaseProvider'", and never a number.
        if (configuration["Database:Provider"] is { Length: > 0 } provider
            && !Enum.GetNames<DatabaseProvider>().Contains(provider.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Database:Provider is '{provider}': it must be Sqlite or Postgres.");
        }
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        var connectionString = configuration.GetConnectionString("Tandem");

        if (options.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDirectory = Infrastructure.Hosting.DataDirectory.From(configuration, environment).Path;
            Directory.CreateDirectory(dataDirectory);
            connectionString = $"Data Source={Path.Combine(dataDirectory, "tandem.db")}";
        }
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Tandem must be set when Database:Provider is Postgres.");
        }

        // Pooled (issue 17, ADR 67): a request's context is taken from a pool and reset when its scope ends, instead of being
        // built with its options and internal services each time (about 6% of the app's CPU under the mixed load). TandemDb
        // keeps no state of its own beyond what EF Core resets, and nothing subscribes to its events.
        services.AddDbContextPool<TandemDb>(db => Configure(db, options.Provider, connectionString));
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var heldOpen = connectionString;
            services.AddHostedService(_ => new SqliteHeldOpen(heldOpen));
        }
        return services;
    }

    /// <remarks>
    /// A local collection in a query (<c>ids.Contains(x)</c>) travels as one parameter, a JSON array read with json_each on
    /// SQLite and an array on PostgreSQL, never as one parameter per element: SQLite refuses more than 32,766 variables and
    /// PostgreSQL 65,535, and every new list length would be a new SQL text to plan and cache (ADR 38).
    /// </remarks>
    public static void Configure(DbContextOptionsBuilder db, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                db.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly)
                    .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                db.AddInterceptors([new SqliteWalInterceptor(), new SqliteWriteGate(), .. SqliteKeptStatements.Interceptors]);
                break;
            case DatabaseProvider.Postgres:
                db.UseNpgsql(WithPoolSettings(connectionString), o => o.MigrationsAssembly(PostgresMigrationsAssembly)
                    .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                break;
        }
        db.ReplaceService<IMigrationsAssembly, NameMatchedMigrationsAssembly>();
    }

    /// <summary>
    /// The pool settings Tandem serves PostgreSQL with, each unless the connection string sets it (issue 17):
    /// <list type="bullet">
    /// <item><c>Max Auto Prepare=100</c> (ADR 60). PostgreSQL plans a statement each time it is sent unless it is
    /// prepared; Npgsql prepares the statements a connection sends most often, and keeps them across the pool. Tandem
    /// sends the same few hundred statements all day.</item>
    /// <item><c>No Reset On Close=true</c> (ADR 73). By default a connection given back to the pool is reset before
    /// its next use with seven statements (<c>SET SESSION AUTHORIZATION DEFAULT</c>, <c>RESET ALL</c>,
    /// <c>CLOSE ALL</c>, <c>UNLISTEN *</c>, <c>pg_advisory_unlock_all()</c>, <c>DISCARD SEQUENCES</c>,
    /// <c>DISCARD TEMP</c>): 55% of all the statements PostgreSQL ran in the district's mixed workload. Tandem leaves
    /// no session state behind (no <c>SET</c> outside a transaction, no advisory locks, cursors, temporary tables or
    /// <c>LISTEN</c>), so there is nothing to reset.</item>
    /// </list>
    /// </summary>
    /// <remarks>
    /// Whether the string sets a key is asked of a plain <see cref="System.Data.Common.DbConnectionStringBuilder"/>,
    /// which holds only the keys written: Npgsql's own builder answers <c>ContainsKey</c> for every keyword it knows,
    /// set or not, so asking it (as ADR 60's first version did) never turned auto-preparation on (found in issue 17's
    /// sitting of 2026-12-05: every statement was parsed and planned on each execution).
    /// </remarks>
    public static string WithPoolSettings(string connectionString)
    {
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Written(params string[] keys) => keys.Any(written.ContainsKey);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!Written("Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 100;
        }
        if (!Written("No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }

    /// <summary>
    /// Migrates when the settings ask for it on start-up (<c>Database:MigrateOnStartup</c>; by default on SQLite only),
    /// as serving and every command do before they touch the database.
    /// </summary>
    public static async Task MigrateWhenConfiguredAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<DatabaseOptions>();
        if (options.MigrateOnStartup ?? options.Provider == DatabaseProvider.Sqlite)
        {
            await MigrateAsync(services, ct);
        }
    }

    /// <summary>
    /// Applies pending migrations of the configured provider, then the data repairs that SQL migrations cannot
    /// express on both providers (idempotent, so they run every time: ADR 13).
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var applied = (await db.Database.GetAppliedMigrationsAsync(ct)).ToList();
        var unknown = applied.Except(db.Database.GetMigrations()).ToList();
        if (unknown.Count > 0)
        {
            // The migrations of the first weeks were folded into one before the first release (ADR 22).
            throw new Infrastructure.Hosting.CommandRefusedException(
                $"This database was migrated by an earlier build of Tandem ({unknown.Count} migrations this build does not have, such as {unknown[0]}). " +
                "Migrations before the first release were folded into one (docs/decisions/0022-migrations-folded-before-release.md): " +
                "make a new database (for the SQLite demo, delete src/Tandem/data/tandem.db) and run `tandem migrate` again.");
        }
        // A migration that fills a new column from existing rows (ADR 46, 50) runs for minutes on a district's database, far
        // beyond a request's 30 s command timeout: it is a deliberate, one-off step.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        // Only when a migration is pending: EF Core's MigrateAsync first compares the whole model with the migrations' snapshot
        // (refusing a model changed without a migration) at every start of a node, a command or a test host, even with
        // nothing to apply (8% of a test process's CPU). OperationsTests asserts on both providers that the model has no
        // change without a migration, and EF Core still compares them whenever one is applied (ADR 78).
        if (db.Database.GetMigrations().Except(applied).Any())
        {
            await db.Database.MigrateAsync(ct);
        }
        foreach (var repair in scope.ServiceProvider.GetServices<IDataRepair>())
        {
            await repair.RunAsync(ct);
        }
        EnsureDataProtectionKey(scope.ServiceProvider);
    }

    /// <summary>
    /// The first data-protection key is made here, once, before any node starts: otherwise two nodes started together on
    /// a new database each make a key of their own on first use and keep their own key ring (cached for a day), so one
    /// node's cookies are refused by the other (found by TwoNodeTests; ADR 45). Later keys are made two days before the
    /// current one expires, so every node has read them before they are used.
    /// </summary>
    private static void EnsureDataProtectionKey(IServiceProvider services)
    {
        var keys = services.GetService<Microsoft.AspNetCore.DataProtection.KeyManagement.IKeyManager>();
        if (keys is null)
        {
            return;
        }
        var now = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(2)))
        {
            keys.CreateNewKey(activationDate: now, expirationDate: now.AddDays(90));
        }
    }
}
