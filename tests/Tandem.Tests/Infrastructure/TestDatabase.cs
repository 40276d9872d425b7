using Npgsql;
using Tandem.Data;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// Which real database the suite runs on: TANDEM_TEST_PROVIDER=sqlite (default) or postgres, with
/// TANDEM_TEST_POSTGRES naming a server (test.sh starts a throwaway PostgreSQL 15 cluster).
/// Every factory gets a database of its own. Also compiled into the browser tests (linked in their project file).
/// </summary>
public static class TestDatabase
{
    public static DatabaseProvider Provider =>
        string.Equals(Environment.GetEnvironmentVariable("TANDEM_TEST_PROVIDER"), "postgres", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public static string NewConnectionString()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "tandem-tests");
            Directory.CreateDirectory(directory);
            return $"Data Source={Path.Combine(directory, $"{Guid.NewGuid():N}.db")}";
        }
        var server = Environment.GetEnvironmentVariable("TANDEM_TEST_POSTGRES")
            ?? throw new InvalidOperationException("TANDEM_TEST_POSTGRES must name a PostgreSQL server when TANDEM_TEST_PROVIDER=postgres (./test.sh sets it).");
        return new NpgsqlConnectionStringBuilder(server) { Database = $"tandem_{Guid.NewGuid():N}" }.ConnectionString;
    }
}
