using Npgsql;
using Tandem.Data;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// Which real database the browser suite runs on: TANDEM_TEST_PROVIDER=sqlite (default) or postgres,
/// with TANDEM_TEST_POSTGRES naming a server (test.sh starts a throwaway PostgreSQL 15 cluster).
/// Every app gets a database of its own. Kept in step with tests/Tandem.Tests/Infrastructure/TestDatabase.cs;
/// copied rather than referenced so the browser suite does not pull in the HTTP test project.
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
