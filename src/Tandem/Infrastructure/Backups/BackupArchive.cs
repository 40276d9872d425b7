using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Backups;

/// <summary>
/// The file `tandem backup` writes: one gzip-compressed tar (readable with <c>tar -tzf</c>) holding <c>tandem.db</c>, the
/// data directory's other files under <c>files/</c>, and last <c>manifest.json</c> with each entry's length and SHA-256
/// (docs/decisions/0043). The manifest comes last, so a copy cut short has none and is refused whole.
/// </summary>
public static class BackupArchive
{
    public const int Format = 1;
    public const string DatabaseEntry = "tandem.db";
    public const string FilesFolder = "files/";
    public const string ManifestEntry = "manifest.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The staged entries (each a file in <paramref name="staging"/> under its entry name) written to <paramref name="archive"/>, then the manifest.</summary>
    public static async Task WriteAsync(string archive, string staging, IReadOnlyList<string> entries, BackupManifest manifest, CancellationToken ct)
    {
        await using var file = new FileStream(archive, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        await using (var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                await tar.WriteEntryAsync(Path.Combine(staging, entry), entry, ct);
            }
            var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, ManifestEntry)
            {
                DataStream = new MemoryStream(bytes),
                ModificationTime = manifest.CreatedAt,
            }, ct);
        }
        await file.FlushAsync(ct);
        file.Flush(flushToDisk: true);
    }

    public static async Task<BackupEntry> DescribeAsync(string staging, string entry, CancellationToken ct)
    {
        await using var stream = File.OpenRead(Path.Combine(staging, entry));
        var hash = await SHA256.HashDataAsync(stream, ct);
        return new BackupEntry(entry, stream.Length, Convert.ToHexStringLower(hash));
    }

    /// <summary>
    /// Unpacks <paramref name="archive"/> into <paramref name="staging"/> and checks it whole: every entry a plain file with a
    /// name of its own, the manifest present and matching every entry byte for byte, and the database passing SQLite's
    /// integrity check. Nothing outside <paramref name="staging"/> is written.
    /// </summary>
    public static async Task<Outcome<BackupManifest>> ExtractAsync(string archive, string staging, CancellationToken ct)
    {
        var found = new Dictionary<string, BackupEntry>(StringComparer.Ordinal);
        BackupManifest? manifest = null;
        try
        {
            await using var file = File.OpenRead(archive);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, ct) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !IsEntryName(entry.Name))
                {
                    return Damaged(archive, $"it holds '{entry.Name}', which a Tandem backup never does");
                }
                if (found.ContainsKey(entry.Name) || manifest is not null)
                {
                    return Damaged(archive, $"'{entry.Name}' comes {(manifest is null ? "twice" : "after the manifest")}");
                }
                if (entry.Name == ManifestEntry)
                {
                    manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(entry.DataStream ?? Stream.Null, Json, ct);
                    continue;
                }
                var path = Path.Combine(staging, entry.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                long length = 0;
                var data = entry.DataStream ?? Stream.Null;
                int read;
                while ((read = await data.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                    length += read;
                }
                found[entry.Name] = new BackupEntry(entry.Name, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or JsonException or IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            // A gzip stream or a tar header cut short or altered, or a manifest that is not one.
            return Damaged(archive, $"it cannot be read to the end ({e.Message.TrimEnd('.')})");
        }
        if (manifest is null)
        {
            return Damaged(archive, "it has no manifest, so it was cut short or is not a Tandem backup");
        }
        if (manifest.Format != Format)
        {
            return new Refused($"{archive} is a backup in format {manifest.Format}; this release of Tandem reads format {Format}. Nothing was changed.");
        }
        var listed = (manifest.Entries ?? []).ToDictionary(e => e.Name, StringComparer.Ordinal);
        if (listed.Keys.FirstOrDefault(name => !found.ContainsKey(name)) is { } missing)
        {
            return Damaged(archive, $"'{missing}' is in its manifest but not in the archive");
        }
        foreach (var entry in found.Values)
        {
            if (!listed.TryGetValue(entry.Name, out var expected))
            {
                return Damaged(archive, $"'{entry.Name}' is not in its manifest");
            }
            if (expected != entry)
            {
                return Damaged(archive, $"'{entry.Name}' is not what was backed up (its length or SHA-256 differs from the manifest)");
            }
        }
        if (!found.ContainsKey(DatabaseEntry))
        {
            return Damaged(archive, $"it has no {DatabaseEntry}");
        }
        if (CheckDatabase(Path.Combine(staging, DatabaseEntry)) is { } problem)
        {
            return Damaged(archive, $"its database {problem}");
        }
        return manifest;
    }

    /// <summary>Why the SQLite file is not a sound Tandem database, or null when it is.</summary>
    public static string? CheckDatabase(string path)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check;";
            var result = check.ExecuteScalar() as string;
            if (result != "ok")
            {
                return $"fails SQLite's integrity check ({result})";
            }
            return LastMigration(connection) is null ? "is not a Tandem database (no migrations applied)" : null;
        }
        catch (SqliteException e)
        {
            return $"cannot be opened by SQLite ({e.Message})";
        }
    }

    /// <summary>The last migration applied to the database, or null when it has none (not a Tandem database).</summary>
    public static string? LastMigration(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory';";
        if (command.ExecuteScalar() is null)
        {
            return null;
        }
        command.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId DESC LIMIT 1;";
        return command.ExecuteScalar() as string;
    }

    /// <summary>tandem.db, manifest.json, or files/ and a relative path that stays inside it.</summary>
    private static bool IsEntryName(string name)
    {
        if (name is DatabaseEntry or ManifestEntry)
        {
            return true;
        }
        if (!name.StartsWith(FilesFolder, StringComparison.Ordinal) || name.Length == FilesFolder.Length || name.Contains('\\') || name.Contains('\0'))
        {
            return false;
        }
        return name[FilesFolder.Length..].Split('/').All(part => part is not ("" or "." or ".."));
    }

    private static Refused Damaged(string archive, string why) =>
        new($"{archive} is not a complete Tandem backup: {why}. Nothing was changed.");
}

/// <summary>What manifest.json says: when and by which release the backup was made, and every entry's length and SHA-256.</summary>
public sealed record BackupManifest(int Format, DateTimeOffset CreatedAt, string TandemVersion, string LastMigration, IReadOnlyList<BackupEntry> Entries);

public sealed record BackupEntry(string Name, long Length, string Sha256);

/// <summary>A backup or restore that did not run, and why, in a sentence for the operator.</summary>
public sealed record Refused(string Detail) : Failure("Refused", Detail);
