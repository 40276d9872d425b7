using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Exports;

/// <summary>`tandem privacy export --email ADDRESS [--output FILE]`: everything held about a person, for a request made outside the app.</summary>
public static class PrivacyCommand
{
    public static Command Create()
    {
        var privacy = new Command("privacy", "Data-protection requests: a person's data.");
        var email = new Option<string>("--email") { Description = "The person's e-mail address.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Write the JSON here instead of to the standard output." };
        var export = new Command("export", "Everything Tandem holds about a person, as JSON (the same document as their own download).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        export.Options.Add(email);
        export.Options.Add(output);
        export.SetAction(async (parse, ct) =>
        {
            var app = TandemApp.BuildForCommand(parse.UnmatchedTokens.ToArray());
            var database = app.Services.GetRequiredService<DatabaseOptions>();
            if (database.MigrateOnStartup ?? database.Provider == DatabaseProvider.Sqlite)
            {
                await DatabaseSetup.MigrateAsync(app.Services, ct);
            }
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
            var address = parse.GetValue(email)!.Trim().ToUpperInvariant();
            var userId = await db.Users.Where(u => u.NormalizedEmail == address).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
            if (userId is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"No account uses {parse.GetValue(email)}.");
                return 1;
            }
            var bytes = (await scope.ServiceProvider.GetRequiredService<ExportMyData>().RunAsync(userId.Value, ct))!;
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllBytesAsync(file.FullName, bytes, ct);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"Wrote everything held about {parse.GetValue(email)} to {file.FullName} ({bytes.Length:N0} bytes).");
            }
            else
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(bytes));
            }
            return 0;
        });
        privacy.Subcommands.Add(export);

        var eraseEmail = new Option<string>("--email") { Description = "The person's e-mail address.", Required = true };
        var erase = new Command("erase", "Erase a person: every personal field they filled is removed everywhere, keeping only what a program's counts need. Cannot be undone.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        erase.Options.Add(eraseEmail);
        erase.SetAction(async (parse, ct) =>
        {
            var app = TandemApp.BuildForCommand(parse.UnmatchedTokens.ToArray());
            var database = app.Services.GetRequiredService<DatabaseOptions>();
            if (database.MigrateOnStartup ?? database.Provider == DatabaseProvider.Sqlite)
            {
                await DatabaseSetup.MigrateAsync(app.Services, ct);
            }
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
            var address = parse.GetValue(eraseEmail)!.Trim().ToUpperInvariant();
            var userId = await db.Users.Where(u => u.NormalizedEmail == address).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
            if (userId is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"No account uses {parse.GetValue(eraseEmail)}.");
                return 1;
            }
            var erased = (await scope.ServiceProvider.GetRequiredService<ErasePerson>().RunAsync(userId.Value, ct))!;
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"Erased account {erased.UserId}: " + string.Join(", ", erased.Rows.Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value}")) + ".");
            return 0;
        });
        privacy.Subcommands.Add(erase);
        return privacy;
    }
}
