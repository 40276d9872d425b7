using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tandem.Data;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Which real database the suite runs on: TANDEM_TEST_PROVIDER=sqlite (default) or postgres, with
/// TANDEM_TEST_POSTGRES naming a server (test.sh starts a throwaway PostgreSQL 15 cluster).
/// Every factory gets a database of its own. Also compiled into the browser tests (linked in their project file).
/// </summary>
/// <remarks>
/// Each new database starts as a copy of one migrated once per test run (a file copy on SQLite, <c>CREATE DATABASE …
/// TEMPLATE</c> on PostgreSQL), instead of running every migration again for each of the suite's test classes. The app
/// still runs <see cref="DatabaseSetup.MigrateAsync"/> on it at start, as in production: it finds the migrations applied and
/// runs the data repairs. docs/benchmarks.md, "Test suite", has the figures.
/// </remarks>
public static class TestDatabase
{
    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? template;

    /// <summary>
    /// The SQLite files this run made, deleted when it ends: left behind, a run's few hundred accumulated in the temporary
    /// directory until the disk was full (21 GB here after a few weeks of runs, and a clean-clone run failed on it).
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Files = new();

    static TestDatabase() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Files)
        {
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                    // Still open somewhere: left to the operating system's cleaning of temporary files.
                }
            }
        }
    };

    private static string Remembered(string file)
    {
        Files.Enqueue(file);
        return file;
    }

    public static DatabaseProvider Provider =>
        string.Equals(Environment.GetEnvironmentVariable("TANDEM_TEST_PROVIDER"), "postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    /// <summary>A new, empty database (for tests of migrating itself).</summary>
    public static string NewConnectionString()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "tandem-tests");
            Directory.CreateDirectory(directory);
            return $"Data Source={Remembered(Path.Combine(directory, $"{Guid.NewGuid():N}.db"))}";
        }
        return new NpgsqlConnectionStringBuilder(Server()) { Database = $"tandem_{Guid.NewGuid():N}" }.ConnectionString;
    }

    /// <summary>A new database with every migration applied: a copy of one migrated once per test run.</summary>
    public static string NewMigratedConnectionString()
    {
        var source = Template();
        if (Provider == DatabaseProvider.Sqlite)
        {
            var file = Remembered(Path.Combine(Path.GetDirectoryName(source)!, $"{Guid.NewGuid():N}.db"));
            File.Copy(source, file);
            return $"Data Source={file}";
        }
        var name = $"tandem_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(Server()))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{source}\"", connection);
            create.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(Server()) { Database = name }.ConnectionString;
    }

    /// <summary>The migrated database every new one copies: a file path on SQLite, a database name on PostgreSQL.</summary>
    private static string Template()
    {
        if (template is not null)
        {
            return template;
        }
        TemplateLock.Wait();
        try
        {
            return template ??= Provider == DatabaseProvider.Sqlite ? SqliteTemplate() : PostgresTemplate();
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static string SqliteTemplate()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tandem-tests");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"template-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={file};Pooling=False";
        Migrate(DatabaseProvider.Sqlite, connectionString);
        // Everything moved from the write-ahead log into the file, so a plain copy of the file is the whole database. It
        // stays in WAL mode, as the app keeps it (EF's existence check opens it read-only, where the mode cannot change).
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        return Remembered(file);
    }

    private static string PostgresTemplate()
    {
        var name = $"tandem_template_{Guid.NewGuid():N}";
        var connectionString = new NpgsqlConnectionStringBuilder(Server()) { Database = name, Pooling = false }.ConnectionString;
        using (var connection = new NpgsqlConnection(Server()))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            create.ExecuteNonQuery();
        }
        // Unpooled, so no connection to the template is left open: CREATE DATABASE … TEMPLATE needs it unused.
        Migrate(DatabaseProvider.Postgres, connectionString);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                using var connection = new NpgsqlConnection(Server());
                connection.Open();
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\"", connection);
                drop.ExecuteNonQuery();
            }
            catch (NpgsqlException)
            {
                // The throwaway cluster of test.sh goes with everything in it anyway.
            }
        };
        return name;
    }

    private static void Migrate(DatabaseProvider provider, string connectionString)
    {
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, provider, connectionString);
        using var db = new TandemDb(options.Options);
        db.Database.Migrate();
    }

    private static string Server() =>
        Environment.GetEnvironmentVariable("TANDEM_TEST_POSTGRES")
            ?? throw new InvalidOperationException("TANDEM_TEST_POSTGRES must name a PostgreSQL server when TANDEM_TEST_PROVIDER=postgres (./test.sh sets it).");
}
