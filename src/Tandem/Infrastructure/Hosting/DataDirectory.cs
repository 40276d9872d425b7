using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// The folder for the files Tandem keeps on disk: the default SQLite database (data/tandem.db) and the e-mail pickup
/// folder (mail/). Setting <c>DataDirectory</c> (absolute, or relative to the content root) moves them; the default is
/// <c>data</c> in the content root, which is the app's own folder (<see cref="ContentRoot"/>).
/// </summary>
public sealed record DataDirectory(string Path)
{
    public const string Key = "DataDirectory";

    public static DataDirectory From(IConfiguration configuration, IHostEnvironment environment) =>
        new(System.IO.Path.GetFullPath(System.IO.Path.Combine(environment.ContentRootPath,
            string.IsNullOrWhiteSpace(configuration[Key]) ? "data" : configuration[Key]!)));

    /// <summary>A path in this folder (an absolute <paramref name="path"/> stays as it is).</summary>
    public string Resolve(string path) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Path, path));

    /// <summary>
    /// One log line at start-up saying where the database, the data-protection keys and the files live, so an operator
    /// reading the service's log knows what to back up. A PostgreSQL connection string is shown without its password.
    /// </summary>
    public static void LogWhereDataLives(WebApplication app)
    {
        string connectionString;
        using (var scope = app.Services.CreateScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<TandemDb>().Database.GetConnectionString() ?? "";
        }
        var database = app.Services.GetRequiredService<DatabaseOptions>().Provider == DatabaseProvider.Sqlite
            ? $"SQLite file {System.IO.Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource)}"
            : Postgres(new NpgsqlConnectionStringBuilder(connectionString));
        var mail = app.Services.GetRequiredService<IMailSender>() is FolderMailSender folder
            ? $"e-mail written to {folder.Directory} (no SMTP host)"
            : "e-mail sent by SMTP";
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tandem.Startup").LogInformation(
            "Data: {Database}; data-protection keys in that database (table DataProtectionKeys); data directory {DataDirectory}; {Mail}; content root {ContentRoot}",
            database, app.Services.GetRequiredService<DataDirectory>().Path, mail, app.Environment.ContentRootPath);
    }

    private static string Postgres(NpgsqlConnectionStringBuilder connection) =>
        $"PostgreSQL database {connection.Database} on {connection.Host}:{connection.Port}";
}
