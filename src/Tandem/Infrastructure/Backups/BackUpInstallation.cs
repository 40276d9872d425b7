using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Backups;

public sealed record BackupWritten(string Archive, string Database, long DatabaseBytes, int Files, long ArchiveBytes, string LastMigration);

/// <summary>
/// `tandem backup FILE`: a consistent copy of a SQLite installation while the app runs, made with SQLite's online backup
/// API (the copy is the database as it stood at one moment, whatever is written meanwhile), with the data directory's
/// other files, into one archive (<see cref="BackupArchive"/>). PostgreSQL installations are backed up with pg_dump.
/// </summary>
public sealed class BackUpInstallation(DatabaseOptions options, TandemDb db, DataDirectory data, TimeProvider clock)
{
    public const string PostgresSentence =
        "This installation keeps its data in PostgreSQL: back it up with pg_dump -Fc and restore it with pg_restore, as docs/operations.md (\"Backups\") describes; `tandem backup` and `tandem restore` copy SQLite installations only.";

    public async Task<Outcome<BackupWritten>> RunAsync(string archive, CancellationToken ct)
    {
        if (options.Provider != DatabaseProvider.Sqlite)
        {
            return new Refused(PostgresSentence);
        }
        if (string.IsNullOrWhiteSpace(archive))
        {
            return new Refused("Name the archive to write, a new file outside the data directory: `tandem backup /var/backups/tandem.tar.gz`.");
        }
        archive = Path.GetFullPath(archive);
        var database = SqliteFile(db);
        if (File.Exists(archive) || Directory.Exists(archive))
        {
            return new Refused($"{archive} already exists: name a new file (a backup never overwrites anything).");
        }
        if (!Directory.Exists(Path.GetDirectoryName(archive)))
        {
            return new Refused($"The folder {Path.GetDirectoryName(archive)} does not exist: make it first, or name a file in another folder.");
        }
        if (IsInside(archive, data.Path))
        {
            return new Refused($"{archive} is inside the data directory {data.Path}: write the backup somewhere else (the next backup would carry this one).");
        }
        if (!File.Exists(database))
        {
            return new Refused($"There is no database at {database}: nothing to back up (check DataDirectory and ConnectionStrings:Tandem).");
        }

        var staging = Path.Combine(Path.GetDirectoryName(archive)!, $".{Path.GetFileName(archive)}.{Guid.NewGuid():N}.partial");
        var partial = staging + ".tar.gz";
        Directory.CreateDirectory(staging);
        try
        {
            var lastMigration = CopyDatabase(database, Path.Combine(staging, BackupArchive.DatabaseEntry));
            if (lastMigration is null)
            {
                return new Refused($"{database} is not a Tandem database (no migrations applied): nothing was backed up.");
            }
            var entries = new List<string> { BackupArchive.DatabaseEntry };
            entries.AddRange(CopyFiles(database, staging));
            var described = new List<BackupEntry>();
            foreach (var entry in entries)
            {
                described.Add(await BackupArchive.DescribeAsync(staging, entry, ct));
            }
            var manifest = new BackupManifest(BackupArchive.Format, clock.GetUtcNow(), Version, lastMigration, described);
            await BackupArchive.WriteAsync(partial, staging, entries, manifest, ct);
            // Only a finished archive gets the name asked for, so a backup cut short never looks like one.
            File.Move(partial, archive);
            return new BackupWritten(archive, database, described[0].Length, entries.Count - 1, new FileInfo(archive).Length, lastMigration);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
            File.Delete(partial);
        }
    }

    /// <summary>The SQLite file the app uses, as SQLite reads the connection string (relative to the working directory).</summary>
    public static string SqliteFile(TandemDb db) =>
        Path.GetFullPath(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource);

    public static string Version =>
        typeof(BackUpInstallation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// SQLite's online backup of <paramref name="database"/> into <paramref name="copy"/>: in WAL mode it reads one snapshot and
    /// never blocks the app's writers. Returns the copy's last migration, or null when it is not a Tandem database.
    /// </summary>
    private static string? CopyDatabase(string database, string copy)
    {
        using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        using var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
        source.Open();
        destination.Open();
        foreach (var connection in new[] { source, destination })
        {
            using var wait = connection.CreateCommand();
            wait.CommandText = "PRAGMA busy_timeout=10000;";
            wait.ExecuteNonQuery();
        }
        source.BackupDatabase(destination);
        return BackupArchive.LastMigration(destination);
    }

    /// <summary>Copies every file of the data directory except the database and its companions into staging/files/; returns their entry names.</summary>
    private List<string> CopyFiles(string database, string staging)
    {
        var entries = new List<string>();
        if (!Directory.Exists(data.Path))
        {
            return entries;
        }
        string[] skipped = [database, database + "-wal", database + "-shm", database + "-journal"];
        var files = Directory.EnumerateFiles(data.Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
            .Where(f => !skipped.Contains(Path.GetFullPath(f), StringComparer.Ordinal))
            // Not a crashed restore's staging folder (ADR 102): a copy of some other archive, not this installation's files.
            .Where(f => !Path.GetRelativePath(data.Path, f).StartsWith(RestoreInstallation.StagingPrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var entry = BackupArchive.FilesFolder + Path.GetRelativePath(data.Path, file).Replace(Path.DirectorySeparatorChar, '/');
            var copy = Path.Combine(staging, entry);
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            try
            {
                // Copied first, then hashed and archived from the copy: a file the app rewrites meanwhile cannot tear the archive.
                File.Copy(file, copy);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted since it was listed (an e-mail file picked up): not part of this backup
            }
            entries.Add(entry);
        }
        return entries;
    }

    public static bool IsInside(string path, string folder)
    {
        var relative = Path.GetRelativePath(folder, path);
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }
}
