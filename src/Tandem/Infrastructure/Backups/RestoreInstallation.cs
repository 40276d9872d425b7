using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Backups;

public sealed record BackupRestored(string Database, string DataDirectory, BackupManifest Manifest, int Files);

/// <summary>
/// `tandem restore FILE [--force]`: puts a backup from <see cref="BackUpInstallation"/> in place as the configured
/// installation (its database file and data directory). The archive is unpacked beside the target and checked whole first
/// (<see cref="BackupArchive.ExtractAsync"/>); only then is anything replaced. An installation that is there already is
/// replaced only with <c>--force</c>, and never while its database is open (the app running).
/// </summary>
public sealed class RestoreInstallation(DatabaseOptions options, TandemDb db, DataDirectory data)
{
    /// <summary>The name of the folder in the data directory where an archive is unpacked before it replaces anything.</summary>
    public const string StagingPrefix = ".restore-";

    public const string PostgresSentence =
        "This installation keeps its data in PostgreSQL: restore a pg_dump -Fc file with pg_restore, then run `tandem migrate`, as docs/operations.md (\"Backups\") describes; `tandem restore` restores SQLite installations only.";

    public async Task<Outcome<BackupRestored>> RunAsync(string archive, bool force, CancellationToken ct)
    {
        if (options.Provider != DatabaseProvider.Sqlite)
        {
            return new Refused(PostgresSentence);
        }
        if (string.IsNullOrWhiteSpace(archive))
        {
            return new Refused("Name the archive to restore, a file written by `tandem backup`: `tandem restore /var/backups/tandem.tar.gz`.");
        }
        archive = Path.GetFullPath(archive);
        if (!File.Exists(archive))
        {
            return new Refused($"There is no file {archive}.");
        }
        var database = BackUpInstallation.SqliteFile(db);
        // A restore that crashed left its staging folder behind (ADR 102): it is no installation, and no backup carries it.
        foreach (var stale in Directory.Exists(data.Path) ? Directory.EnumerateDirectories(data.Path, StagingPrefix + "*") : [])
        {
            Directory.Delete(stale, recursive: true);
        }
        if (!force && Holds(database) is { } held)
        {
            return new Refused($"An installation is already there ({held}): stop the app and restore again with --force to replace it. Nothing was changed.");
        }

        Directory.CreateDirectory(data.Path);
        var staging = Path.Combine(data.Path, $"{StagingPrefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var extracted = await BackupArchive.ExtractAsync(archive, staging, ct);
            if (extracted.Failure is { } failure)
            {
                return failure;
            }
            var manifest = extracted.Value!;
            if (!db.Database.GetMigrations().Contains(manifest.LastMigration))
            {
                return new Refused($"{archive} was made by a newer release of Tandem (its database has migration {manifest.LastMigration}, which this release does not know): restore it with that release or a later one. Nothing was changed.");
            }
            if (InUse(database))
            {
                return new Refused($"The database {database} is in use: stop the app (every process that has it open), then restore again. Nothing was changed.");
            }

            // Stale companions of the old database go first: SQLite would replay an old write-ahead log onto the new file.
            foreach (var companion in new[] { "-wal", "-shm", "-journal" })
            {
                File.Delete(database + companion);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(database)!);
            File.Move(Path.Combine(staging, BackupArchive.DatabaseEntry), database, overwrite: true);
            var files = manifest.Entries.Where(e => e.Name.StartsWith(BackupArchive.FilesFolder, StringComparison.Ordinal)).ToList();
            foreach (var file in files)
            {
                var target = data.Resolve(file.Name[BackupArchive.FilesFolder.Length..]);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(Path.Combine(staging, file.Name), target, overwrite: true);
            }
            return new BackupRestored(database, data.Path, manifest, files.Count);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>What shows an installation is there already (the database, or any file in the data directory), or null.</summary>
    private string? Holds(string database)
    {
        if (File.Exists(database))
        {
            return $"the database {database}";
        }
        if (Directory.Exists(data.Path) && Directory.EnumerateFileSystemEntries(data.Path).FirstOrDefault() is { } entry)
        {
            return $"the data directory {data.Path} holds {Path.GetFileName(entry)}";
        }
        return null;
    }

    /// <summary>
    /// Whether another connection, in any process, has the database open. SQLite lets a connection take a WAL database out
    /// of WAL mode only when it is the only one open: a running app keeps its pooled connections open. The database is about
    /// to be replaced, so leaving it in rollback-journal mode costs nothing.
    /// </summary>
    private static bool InUse(string database)
    {
        if (!File.Exists(database))
        {
            return false;
        }
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=0;";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA journal_mode=DELETE;";
            return !string.Equals(command.ExecuteScalar() as string, "delete", StringComparison.OrdinalIgnoreCase);
        }
        catch (SqliteException e)
        {
            // Busy or locked: someone has it open. Anything else (not a database at all): no app can be using it either.
            return e.SqliteErrorCode is 5 or 6;
        }
    }
}
