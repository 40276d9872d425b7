using System.CommandLine;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Tandem.Infrastructure.Problems;

namespace Tandem.Infrastructure.Backups;

/// <summary>`tandem backup FILE` and `tandem restore FILE [--force]` (docs/operations.md, "Backups").</summary>
public static class BackupCommand
{
    public static IServiceCollection AddTandemBackups(this IServiceCollection services) => services
        .AddScoped<BackUpInstallation>()
        .AddScoped<RestoreInstallation>();

    public static Command Backup()
    {
        var file = new Argument<string>("file") { Description = "The archive to write (a new .tar.gz file outside the data directory)." };
        var command = new Command("backup", "Write a consistent copy of a SQLite installation, while the app runs, to one archive: the database (SQLite's online backup) and the data directory's other files, with a manifest of SHA-256 checksums. PostgreSQL: use pg_dump (docs/operations.md, \"Backups\").")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Arguments.Add(file);
        command.SetAction(async (parse, ct) =>
        {
            // Built without migrating: a backup copies the database as it is.
            var app = TandemApp.BuildForCommand(parse.UnmatchedTokens.ToArray());
            await using var scope = app.Services.CreateAsyncScope();
            Outcome<BackupWritten> outcome;
            try
            {
                outcome = await scope.ServiceProvider.GetRequiredService<BackUpInstallation>().RunAsync(parse.GetValue(file)!, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
            {
                // A full disk, a folder the service's user may not write, a database SQLite cannot read: no archive was left.
                await parse.InvocationConfiguration.Error.WriteLineAsync($"The backup stopped and wrote nothing: {e.Message}");
                return 1;
            }
            if (outcome.Failure is { } failure)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(failure.Detail);
                return 1;
            }
            var written = outcome.Value!;
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Backed up {written.Database} ({written.DatabaseBytes:N0} bytes, last migration {written.LastMigration}) and {written.Files:N0} {(written.Files == 1 ? "file" : "files")} of the data directory to {written.Archive} ({written.ArchiveBytes:N0} bytes)."));
            return 0;
        });
        return command;
    }

    public static Command Restore()
    {
        var file = new Argument<string>("file") { Description = "An archive written by `tandem backup`." };
        var force = new Option<bool>("--force") { Description = "Replace the installation that is there (its database, and the data directory's files the backup has)." };
        var command = new Command("restore", "Put a backup from `tandem backup` in place as this installation (the configured database and data directory), after checking the whole archive. Stop the app first. PostgreSQL: use pg_restore (docs/operations.md, \"Backups\").")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Arguments.Add(file);
        command.Options.Add(force);
        command.SetAction(async (parse, ct) =>
        {
            // Built without migrating: nothing may touch the target's database before the archive is checked.
            var app = TandemApp.BuildForCommand(parse.UnmatchedTokens.ToArray());
            await using var scope = app.Services.CreateAsyncScope();
            Outcome<BackupRestored> outcome;
            try
            {
                outcome = await scope.ServiceProvider.GetRequiredService<RestoreInstallation>().RunAsync(parse.GetValue(file)!, parse.GetValue(force), ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"The restore stopped: {e.Message} The archive is unchanged: once that is fixed, run the restore again with --force.");
                return 1;
            }
            if (outcome.Failure is { } failure)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(failure.Detail);
                return 1;
            }
            var restored = outcome.Value!;
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Restored the backup made {restored.Manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC by Tandem {restored.Manifest.TandemVersion}: the database {restored.Database} and {restored.Files:N0} {(restored.Files == 1 ? "file" : "files")} in {restored.DataDirectory} (files the backup does not have were left as they were). Start the app (on SQLite it applies a newer release's migrations as it starts) or run `tandem migrate`."));
            return 0;
        });
        return command;
    }
}
