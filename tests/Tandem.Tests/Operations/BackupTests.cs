using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Backups;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>
/// Backups (issue 18, item 5): `tandem backup` copies a running SQLite installation (SQLite's online backup) with the data
/// directory's files into one archive, `tandem restore` puts it back after checking it whole; PostgreSQL installations
/// use pg_dump and pg_restore, as docs/operations.md ("Backups") says and the last test does.
/// </summary>
[RunsLong(20)]
public sealed class BackupTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("tandem-backup-").FullName;

    [SqliteRunFact]
    public async Task ABackupOfARunningInstallationRestoredElsewhereHasEveryRecordAndFileWrittenBeforeItStarted()
    {
        var data = NewInstallation("live");
        var mail = Path.Combine(data, "mail", "20261204-welcome.eml");
        var upload = Path.Combine(data, "uploads", "2026", "photo.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(mail)!);
        Directory.CreateDirectory(Path.GetDirectoryName(upload)!);
        await File.WriteAllTextAsync(mail, "Subject: Welcome to Tandem\r\n\r\nHello.\r\n");
        await File.WriteAllBytesAsync(upload, RandomNumberGenerator.GetBytes(300_000));

        using var tandem = new TandemFactory();
        await using var app = await StartAsync(tandem, data);
        var admin = await CreateAdministratorAsync(app);
        var client = await app.SignedInClientAsync(admin);
        var before = new List<OrganisationRow>();
        for (var i = 0; i < 40; i++)
        {
            before.Add(await CreateOrganisationAsync(client, $"Before {i:D2} {Guid.NewGuid():N}", (OrganisationKind)(i % 4), includesMinors: i % 3 == 0));
        }

        // The app keeps taking writes through its API while the backup runs, from before it starts until after it ends.
        var during = new System.Collections.Concurrent.ConcurrentBag<OrganisationRow>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                during.Add(await CreateOrganisationAsync(client, $"During {i:D4} {Guid.NewGuid():N}", OrganisationKind.Company, includesMinors: false));
            }
        });
        await WhenAsync(() => during.Count >= 3 || writer.IsCompleted);
        var writtenWhenBackupStarted = during.ToArray();
        var archive = Path.Combine(root, "tandem-backup.tar.gz");
        var (exit, output, error) = await RunAsync(data, "backup", archive);
        var countWhenBackupEnded = during.Count;
        await WhenAsync(() => during.Count >= countWhenBackupEnded + 3 || writer.IsCompleted);
        await stop.CancelAsync();
        await writer;

        Assert.True(exit == 0, error);
        Assert.Contains($"to {archive}", output);
        Assert.Contains("2 files of the data directory", output);

        var restored = Path.Combine(root, "elsewhere");
        (exit, output, error) = await RunAsync(restored, "restore", archive);
        Assert.True(exit == 0, error);
        Assert.Contains($"the database {Path.Combine(restored, "tandem.db")} and 2 files in {restored}", output);

        Assert.Equal(await File.ReadAllBytesAsync(mail), await File.ReadAllBytesAsync(Path.Combine(restored, "mail", "20261204-welcome.eml")));
        Assert.Equal(await File.ReadAllBytesAsync(upload), await File.ReadAllBytesAsync(Path.Combine(restored, "uploads", "2026", "photo.bin")));
        await using var restoredApp = await StartAsync(tandem, restored);
        List<OrganisationRow> rows;
        await using (var scope = restoredApp.Services.CreateAsyncScope())
        {
            rows = await scope.ServiceProvider.GetRequiredService<TandemDb>().Set<Organisation>()
                .Select(o => new OrganisationRow(o.Id, o.Name, o.Kind, o.IncludesMinors)).ToListAsync();
        }
        // Every record written before the backup started, as it was written; nothing that was never written; no write torn.
        Assert.Empty(before.Concat(writtenWhenBackupStarted).Except(rows));
        Assert.Empty(rows.Except(before.Concat(during)));
        Assert.True(rows.Count < before.Count + during.Count, "the writes after the backup ended are in it");
        // The restored installation serves: the administrator signs in (accounts and the data-protection keys came back) and sees them all.
        var restoredClient = await restoredApp.SignedInClientAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await restoredClient.GetAsync("/health/ready")).StatusCode);
        var listed = await restoredClient.GetFromJsonAsync<JsonElement>("/api/v1/organisations?pageSize=1", Json.Options);
        Assert.Equal(rows.Count, listed.GetProperty("totalCount").GetInt32());
    }

    [SqliteRunTheory]
    [InlineData("truncated")]
    [InlineData("one byte changed")]
    [InlineData("not an archive")]
    [InlineData("a file missing")]
    [InlineData("a database that fails the integrity check")]
    public async Task RestoreRefusesADamagedArchiveAndLeavesTheInstallationUntouched(string damage)
    {
        var archive = Path.Combine(root, "good.tar.gz");
        var (exit, _, error) = await RunAsync(NewInstallation("source", mail: "source"), "backup", archive);
        Assert.True(exit == 0, error);
        var damaged = Path.Combine(root, "damaged.tar.gz");
        var bytes = await File.ReadAllBytesAsync(archive);
        switch (damage)
        {
            case "truncated":
                await File.WriteAllBytesAsync(damaged, bytes[..(bytes.Length / 2)]);
                break;
            case "one byte changed":
                bytes[bytes.Length / 2] ^= 0x55;
                await File.WriteAllBytesAsync(damaged, bytes);
                break;
            case "not an archive":
                await File.WriteAllTextAsync(damaged, "tandem.db\nthis is a list of files, not an archive\n");
                break;
            case "a file missing":
                await RewriteAsync(archive, damaged, (name, _) => name.StartsWith("files/", StringComparison.Ordinal) ? null : name, sameManifest: true);
                break;
            case "a database that fails the integrity check":
                await RewriteAsync(archive, damaged, (name, file) =>
                {
                    if (name == "tandem.db")
                    {
                        // The second half of the pages overwritten: still a SQLite file, no longer a sound one. The manifest is
                        // rewritten to match, as if the file had been damaged before it was archived.
                        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
                        stream.Position = stream.Length / 2 / 4096 * 4096;
                        stream.Write(Enumerable.Repeat((byte)0x0D, (int)(stream.Length - stream.Position)).ToArray());
                    }
                    return name;
                });
                break;
        }
        var target = NewInstallation("target", mail: "target");
        var snapshot = Snapshot(target);

        (exit, var output, error) = await RunAsync(target, "restore", damaged, "--force");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"{damaged} is not a complete Tandem backup: ", error);
        Assert.EndsWith("Nothing was changed.", error.TrimEnd());
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(snapshot, Snapshot(target));
    }

    [SqliteRunFact]
    public async Task ACrashedRestoresStagingFolderIsInNoBackupAndTheNextRestoreDeletesIt()
    {
        var source = NewInstallation("source", mail: "mine");
        // What a restore that crashed half-way leaves: another archive's database and files, unpacked.
        var stale = Path.Combine(source, ".restore-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(Path.Combine(stale, "files", "mail"));
        await File.WriteAllTextAsync(Path.Combine(stale, "files", "mail", "other.eml"), "someone else's");
        var archive = Path.Combine(root, "backup.tar.gz");

        var (exit, _, error) = await RunAsync(source, "backup", archive);

        Assert.True(exit == 0, error);
        var names = new List<string>();
        await using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(archive), System.IO.Compression.CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name);
            }
        }
        Assert.Contains(names, n => n.EndsWith("mail/message.eml", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.Contains(".restore-", StringComparison.Ordinal));

        // A folder holding only a crashed restore's leftovers is no installation: the restore goes ahead and clears them.
        var target = Path.Combine(root, "target");
        Directory.CreateDirectory(Path.Combine(target, ".restore-fedcba9876543210fedcba9876543210"));
        (exit, var output, error) = await RunAsync(target, "restore", archive);
        Assert.True(exit == 0, error + output);
        Assert.Empty(Directory.EnumerateDirectories(target, ".restore-*"));
        Assert.Equal("mine", await File.ReadAllTextAsync(Path.Combine(target, "mail", "message.eml")));
    }

    [SqliteRunFact]
    public async Task RestoreRefusesToReplaceAnInstallationWithoutForce()
    {
        var archive = Path.Combine(root, "backup.tar.gz");
        var (exit, _, error) = await RunAsync(NewInstallation("source", mail: "from the backup"), "backup", archive);
        Assert.True(exit == 0, error);
        var target = NewInstallation("target", mail: "already there");
        var snapshot = Snapshot(target);
        var empty = Path.Combine(root, "only-a-file");
        Directory.CreateDirectory(empty);
        await File.WriteAllTextAsync(Path.Combine(empty, "notes.txt"), "mine");

        (exit, var output, error) = await RunAsync(target, "restore", archive);
        var (intoAFolderWithAFile, _, fileError) = await RunAsync(empty, "restore", archive);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"An installation is already there (the database {Path.Combine(target, "tandem.db")}): stop the app and restore again with --force to replace it. Nothing was changed.", error.TrimEnd());
        Assert.Equal(snapshot, Snapshot(target));
        Assert.Equal(1, intoAFolderWithAFile);
        Assert.Contains($"the data directory {empty} holds notes.txt", fileError);

        (exit, output, error) = await RunAsync(target, "restore", archive, "--force");

        Assert.True(exit == 0, error);
        Assert.Equal("from the backup", await File.ReadAllTextAsync(Path.Combine(target, "mail", "message.eml")));
        Assert.Null(BackupArchive.CheckDatabase(Path.Combine(target, "tandem.db")));
        Assert.Empty(Directory.EnumerateDirectories(target, ".restore-*"));
    }

    [SqliteRunFact]
    public async Task RestoreRefusesWhileTheAppRunsOnTheInstallation()
    {
        var archive = Path.Combine(root, "backup.tar.gz");
        var (exit, _, error) = await RunAsync(NewInstallation("source"), "backup", archive);
        Assert.True(exit == 0, error);
        var target = NewInstallation("target", mail: "already there");
        using var tandem = new TandemFactory();
        await using var app = await StartAsync(tandem, target);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/ready")).StatusCode);
        var snapshot = Snapshot(target, withDatabase: false);

        (exit, var output, error) = await RunAsync(target, "restore", archive, "--force");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"The database {Path.Combine(target, "tandem.db")} is in use: stop the app (every process that has it open), then restore again. Nothing was changed.", error.TrimEnd());
        Assert.Equal(snapshot, Snapshot(target, withDatabase: false));
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/ready")).StatusCode);
    }

    [SqliteRunTheory]
    [InlineData(new[] { "backup" }, "Required argument missing for command: 'backup'.")]
    [InlineData(new[] { "restore" }, "Required argument missing for command: 'restore'.")]
    [InlineData(new[] { "restore", "{root}/no-such-backup.tar.gz" }, "There is no file {root}/no-such-backup.tar.gz.")]
    [InlineData(new[] { "backup", "{root}/existing.tar.gz" }, "{root}/existing.tar.gz already exists: name a new file (a backup never overwrites anything).")]
    [InlineData(new[] { "backup", "{root}/no-such-folder/b.tar.gz" }, "The folder {root}/no-such-folder does not exist: make it first, or name a file in another folder.")]
    [InlineData(new[] { "backup", "{data}/b.tar.gz" }, "{data}/b.tar.gz is inside the data directory {data}: write the backup somewhere else (the next backup would carry this one).")]
    [InlineData(new[] { "backup", "{root}/b.tar.gz", "now" }, "'now' is not an option of `tandem backup`")]
    [InlineData(new[] { "restore", "{root}/existing.tar.gz", "--forse" }, "'--forse' needs a value")]
    public async Task BadArgumentsAreRefusedWithASentence(string[] args, string message)
    {
        var data = NewInstallation("data");
        await File.WriteAllTextAsync(Path.Combine(root, "existing.tar.gz"), "x");
        string Fill(string s) => s.Replace("{root}", root).Replace("{data}", data);

        var (exit, output, error) = await RunAsync(data, args.Select(Fill).ToArray());

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains(Fill(message), error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(["data", "existing.tar.gz"], Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [PostgresRunFact]
    public async Task OnPostgreSqlBackupAndRestoreSayToUsePgDumpAndPgRestore()
    {
        // A database that is not even there: neither command may get as far as connecting.
        var archive = Path.Combine(root, "b.tar.gz");
        string[] postgres = ["--Database:Provider=Postgres", "--ConnectionStrings:Tandem", TestDatabase.NewConnectionString(), "--DataDirectory", Path.Combine(root, "data")];

        var backup = await RunAsync([.. postgres, "backup", archive]);
        await File.WriteAllTextAsync(archive, "x");
        var restore = await RunAsync([.. postgres, "restore", archive, "--force"]);

        Assert.Equal((1, "", BackUpInstallation.PostgresSentence), (backup.Exit, backup.Output, backup.Error.TrimEnd()));
        Assert.Equal((1, "", RestoreInstallation.PostgresSentence), (restore.Exit, restore.Output, restore.Error.TrimEnd()));
        Assert.Contains("pg_dump -Fc", backup.Error);
        Assert.Contains("pg_restore", restore.Error);
    }

    /// <summary>The PostgreSQL procedure of docs/operations.md ("Backups"), command for command, on a running installation.</summary>
    [PostgresRunFact]
    public async Task OnPostgreSqlTheDocumentedPgDumpAndPgRestoreBringBackEveryRecordOfARunningInstallation()
    {
        var tandem = new TandemFactory();
        await ((IAsyncLifetime)tandem).InitializeAsync();
        try
        {
            await DumpAndRestoreAsync(tandem);
        }
        finally
        {
            await ((IAsyncLifetime)tandem).DisposeAsync();
        }
    }

    private async Task DumpAndRestoreAsync(TandemFactory tandem)
    {
        var admin = await tandem.CreateUserAsync("Ada Min", administrator: true);
        var client = await tandem.SignedInClientAsync(admin);
        var before = new List<OrganisationRow>();
        for (var i = 0; i < 20; i++)
        {
            before.Add(await CreateOrganisationAsync(client, $"Before {i:D2} {Guid.NewGuid():N}", (OrganisationKind)(i % 4), includesMinors: i % 2 == 0));
        }
        var during = new System.Collections.Concurrent.ConcurrentBag<OrganisationRow>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                during.Add(await CreateOrganisationAsync(client, $"During {i:D4} {Guid.NewGuid():N}", OrganisationKind.Company, includesMinors: false));
            }
        });
        await WhenAsync(() => during.Count >= 3 || writer.IsCompleted);
        var writtenWhenDumpStarted = during.ToArray();

        var source = new NpgsqlConnectionStringBuilder(tandem.ConnectionString);
        var dump = Path.Combine(root, "tandem.dump");
        var copy = $"tandem_restored_{Guid.NewGuid():N}";
        await PgAsync(source, "pg_dump", "-Fc", "-f", dump, source.Database!);
        await stop.CancelAsync();
        await writer;
        await PgAsync(source, "createdb", copy);
        try
        {
            await PgAsync(source, "pg_restore", "--no-owner", "--exit-on-error", "-d", copy, dump);
            var restored = new NpgsqlConnectionStringBuilder(tandem.ConnectionString) { Database = copy }.ConnectionString;
            var (exit, output, error) = await RunAsync(["--Database:Provider=Postgres", "--ConnectionStrings:Tandem", restored, "migrate"]);
            Assert.True(exit == 0, error);
            Assert.Contains("up to date", output);

            var options = new DbContextOptionsBuilder<TandemDb>();
            DatabaseSetup.Configure(options, DatabaseProvider.Postgres, restored);
            await using var db = new TandemDb(options.Options);
            var rows = await db.Set<Organisation>().Select(o => new OrganisationRow(o.Id, o.Name, o.Kind, o.IncludesMinors)).ToListAsync();
            Assert.Empty(before.Concat(writtenWhenDumpStarted).Except(rows));
            Assert.Empty(rows.Except(before.Concat(during)));
            Assert.True(await db.Users.AnyAsync(u => u.Email == admin.Email));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await PgAsync(source, "dropdb", "--if-exists", copy);
        }
    }

    private sealed record OrganisationRow(Guid Id, string Name, OrganisationKind Kind, bool IncludesMinors);

    /// <summary>A data directory holding a migrated tandem.db (and, when given, mail/message.eml with that text), as `tandem migrate` leaves one.</summary>
    private string NewInstallation(string name, string? mail = null)
    {
        var data = Path.Combine(root, name);
        Directory.CreateDirectory(data);
        var file = new SqliteConnectionStringBuilder(TestDatabase.NewMigratedConnectionString()).DataSource;
        File.Move(file, Path.Combine(data, "tandem.db"));
        if (mail is not null)
        {
            Directory.CreateDirectory(Path.Combine(data, "mail"));
            File.WriteAllText(Path.Combine(data, "mail", "message.eml"), mail);
        }
        return data;
    }

    /// <summary>The test app, serving the installation in <paramref name="data"/> (its tandem.db and data directory).</summary>
    private static async Task<WebApplicationFactory<Program>> StartAsync(TandemFactory tandem, string data)
    {
        var app = tandem.WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Tandem", $"Data Source={Path.Combine(data, "tandem.db")}")
            .UseSetting("DataDirectory", data));
        await DatabaseSetup.MigrateAsync(app.Services);
        await using var scope = app.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole<Guid>>>();
        if (!await roles.RoleExistsAsync(Actor.AdministratorRole))
        {
            await roles.CreateAsync(new(Actor.AdministratorRole) { Id = Guid.CreateVersion7() });
        }
        return app;
    }

    private static async Task<UserSummary> CreateAdministratorAsync(WebApplicationFactory<Program> app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CreateUser>().RunAsync(new CreateUserRequest
        {
            Email = $"ada.{Guid.NewGuid():N}@test.example",
            DisplayName = "Ada Min",
            Password = TandemFactory.Password,
            IsAdministrator = true,
            TimeZoneId = "Europe/London",
        });
        return outcome.Value ?? throw new InvalidOperationException(outcome.Failure!.Detail);
    }

    private static async Task<OrganisationRow> CreateOrganisationAsync(HttpClient client, string name, OrganisationKind kind, bool includesMinors)
    {
        var response = await client.PostAsJsonAsync("/api/v1/organisations", new { name, kind = kind.ToString(), includesMinors });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json.Options);
        return new OrganisationRow(body.GetProperty("id").GetGuid(), name, kind, includesMinors);
    }

    /// <summary>Waits for the writer's progress (never for a length of time), up to a minute on a busy machine.</summary>
    private static async Task WhenAsync(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), "The writer made no progress in a minute.");
            await Task.Delay(10);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string data, params string[] command) =>
        await RunAsync(["--Database:Provider=Sqlite", "--ConnectionStrings:Tandem", $"Data Source={Path.Combine(data, "tandem.db")}", "--DataDirectory", data, .. command]);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await TandemCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Every file under <paramref name="folder"/> with its SHA-256 (the database too unless a running app may checkpoint it), and every folder.</summary>
    private static string Snapshot(string folder, bool withDatabase = true) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Where(e => withDatabase || !Path.GetFileName(e).StartsWith("tandem.db", StringComparison.Ordinal))
            .Select(e => Directory.Exists(e) ? $"{e}/" : $"{e} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(e)))}"));

    /// <summary>
    /// The archive's entries copied into a new archive, each through <paramref name="change"/> (null drops it); the manifest
    /// describes the new entries, or stays as it was.
    /// </summary>
    private static async Task RewriteAsync(string archive, string rewritten, Func<string, string, string?> change, bool sameManifest = false)
    {
        var staging = Directory.CreateTempSubdirectory("tandem-rewrite-").FullName;
        var entries = new List<string>();
        BackupManifest? manifest = null;
        await using (var file = File.OpenRead(archive))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.Name == BackupArchive.ManifestEntry)
                {
                    manifest = await JsonSerializer.DeserializeAsync<BackupManifest>(entry.DataStream!, new JsonSerializerOptions(JsonSerializerDefaults.Web));
                    continue;
                }
                var path = Path.Combine(staging, entry.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await entry.ExtractToFileAsync(path, overwrite: false);
                if (change(entry.Name, path) is { } kept)
                {
                    entries.Add(kept);
                }
            }
        }
        var described = new List<BackupEntry>();
        foreach (var entry in entries)
        {
            described.Add(await BackupArchive.DescribeAsync(staging, entry, default));
        }
        await BackupArchive.WriteAsync(rewritten, staging, entries, sameManifest ? manifest! : manifest! with { Entries = described }, default);
        Directory.Delete(staging, recursive: true);
    }

    private static async Task PgAsync(NpgsqlConnectionStringBuilder server, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["PGHOST"] = server.Host;
        start.Environment["PGPORT"] = server.Port.ToString();
        start.Environment["PGUSER"] = server.Username;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(" ", args)} failed:\n{await output}\n{await error}");
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

/// <summary>A theory of the SQLite run only (<see cref="SqliteRunFactAttribute"/>): `tandem backup` copies SQLite installations.</summary>
public sealed class SqliteRunTheoryAttribute : TheoryAttribute
{
    public SqliteRunTheoryAttribute()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            Skip = "Runs on SQLite only.";
        }
    }
}
