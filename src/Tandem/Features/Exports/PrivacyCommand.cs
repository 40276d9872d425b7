using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Tandem.Features.Accounts;

namespace Tandem.Features.Exports;

/// <summary>
/// `tandem privacy export --email ADDRESS [--output FILE]` and `tandem privacy erase --email ADDRESS`: a person's data, for a
/// request made outside the app.
/// </summary>
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
            await using var scope = (await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct)).Services.CreateAsyncScope();
            if (await PersonAsync(scope.ServiceProvider, parse, email) is not { } userId)
            {
                return 1;
            }
            var bytes = (await scope.ServiceProvider.GetRequiredService<ExportMyData>().RunAsync(userId, ct))!;
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
            await using var scope = (await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct)).Services.CreateAsyncScope();
            if (await PersonAsync(scope.ServiceProvider, parse, eraseEmail) is not { } userId)
            {
                return 1;
            }
            var erased = (await scope.ServiceProvider.GetRequiredService<ErasePerson>().RunAsync(userId, ct))!;
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"Erased account {erased.UserId}: " + string.Join(", ", erased.Rows.Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value}")) + ".");
            return 0;
        });
        privacy.Subcommands.Add(erase);
        return privacy;
    }

    /// <summary>The account the address belongs to (found as signing in finds it), or null after saying there is none.</summary>
    private static async Task<Guid?> PersonAsync(IServiceProvider services, ParseResult parse, Option<string> email)
    {
        var address = parse.GetValue(email)!.Trim();
        if (await services.GetRequiredService<UserManager<TandemUser>>().FindByEmailAsync(address) is { } user)
        {
            return user.Id;
        }
        await parse.InvocationConfiguration.Error.WriteLineAsync($"No account uses {address}.");
        return null;
    }
}
