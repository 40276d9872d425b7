using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tandem.Features.Accounts;
using Tandem.Features.Privacy;

namespace Tandem.Features.Exports;

/// <summary>
/// `tandem privacy export --email ADDRESS --reason "…" [--output FILE]` and `tandem privacy erase --email ADDRESS [--yes]`: a
/// person's data, for a request made outside the app. The operator acts under a pseudonym (ADR 102): the export is in the
/// audit log, the erasure carries out the person's open erasure requests.
/// </summary>
public static class PrivacyCommand
{
    public static Command Create()
    {
        var privacy = new Command("privacy", "Data-protection requests: a person's data.");
        var email = new Option<string>("--email") { Description = "The person's e-mail address.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Write the JSON here instead of to the standard output." };
        var reason = new Option<string?>("--reason")
        {
            Description = $"Why (the request you are answering), in 1 to {ExportPersonOnRequest.MaxReason} characters: written to the audit log, which the person and their organisations' coordinators see.",
        };
        var export = new Command("export", "Everything Tandem holds about a person, as JSON (the same document as their own download).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        export.Options.Add(email);
        export.Options.Add(output);
        export.Options.Add(reason);
        export.SetAction(async (parse, ct) =>
        {
            var why = parse.GetValue(reason)?.Trim();
            if (string.IsNullOrEmpty(why) || why.Length > ExportPersonOnRequest.MaxReason || why.Contains('\n'))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"Nothing was exported: say why with --reason \"...\" (the request you are answering, one line of 1 to {ExportPersonOnRequest.MaxReason} characters); it is written to the audit log.");
                return 2;
            }
            if (parse.GetValue(output) is { } target && !OutputFolderExists(target))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"Nothing was exported: the folder {target.DirectoryName} does not exist.");
                return 2;
            }
            await using var scope = (await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct)).Services.CreateAsyncScope();
            if (await PersonAsync(scope.ServiceProvider, parse, email) is not { } userId)
            {
                return 1;
            }
            // As a coordinator's export on request (ADR 53), written before the document is made, whatever the person's age:
            // one entry per organisation holding their data, so each one's log shows it (ADR 102).
            var db = scope.ServiceProvider.GetRequiredService<Data.TandemDb>();
            var audit = scope.ServiceProvider.GetRequiredService<Privacy.AuditLog>();
            var organisations = await Operators.OrganisationsOfAsync(db, userId, ct);
            foreach (var organisation in organisations.Count == 0 ? [(Guid?)null] : organisations.Select(o => (Guid?)o))
            {
                await audit.RecordForAnyoneAsync(new Infrastructure.Auth.Actor(Operators.Pseudonym, false), userId, organisation, Privacy.AuditRecord.DataExport,
                    $"{Operators.PurposePrefix}data export on request: {why}", ct);
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
        var yes = new Option<bool>("--yes") { Description = "Erase. Without it, the command only shows whose account it is." };
        erase.Options.Add(eraseEmail);
        erase.Options.Add(yes);
        erase.SetAction(async (parse, ct) =>
        {
            await using var scope = (await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct)).Services.CreateAsyncScope();
            if (await PersonAsync(scope.ServiceProvider, parse, eraseEmail) is not { } userId)
            {
                return 1;
            }
            var db = scope.ServiceProvider.GetRequiredService<Data.TandemDb>();
            if (!parse.GetValue(yes))
            {
                // Irreversible: first say whose account it is, and let the operator check it is the one the request names (ADR 102).
                await parse.InvocationConfiguration.Error.WriteLineAsync(await DescribeAsync(db, userId, ct));
                await parse.InvocationConfiguration.Error.WriteLineAsync("Nothing was erased. Add --yes to erase.");
                return 1;
            }
            var erased = (await scope.ServiceProvider.GetRequiredService<ErasePerson>().RunAsync(userId, ct))!;
            // The request the operator answered, if it was made in the app, is carried out now, and a guardian's address goes
            // (as when a coordinator carries it out, ADR 52).
            var requests = await db.Set<ErasureRequest>().Where(r => r.SubjectUserId == userId && r.State == ErasureRequestState.Open).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.State, ErasureRequestState.CarriedOut).SetProperty(r => r.DecidedByUserId, Operators.Pseudonym)
                .SetProperty(r => r.DecidedAt, scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime)
                .SetProperty(r => r.RequesterEmail, (string?)null), ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync(
                $"Erased account {erased.UserId}: " + string.Join(", ", erased.Rows.Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value}")) + "."
                + (requests > 0 ? $" {requests} open erasure request(s) marked carried out." : ""));
            return 0;
        });
        privacy.Subcommands.Add(erase);
        return privacy;
    }

    /// <summary>Whose account it is: name, address, organisations, and an open erasure request.</summary>
    private static async Task<string> DescribeAsync(Data.TandemDb db, Guid userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.DisplayName, u.Email }).SingleAsync(ct);
        var organisationIds = await Operators.OrganisationsOfAsync(db, userId, ct);
        var organisations = await db.Organisations.AsNoTracking().Where(o => organisationIds.Contains(o.Id)).Select(o => o.Name).OrderBy(n => n).ToListAsync(ct);
        var requests = await db.Set<ErasureRequest>().AsNoTracking().Where(r => r.SubjectUserId == userId && r.State == ErasureRequestState.Open)
            .Select(r => new { r.RequestedAt, r.RequestedBy, Organisation = db.Organisations.Where(o => o.Id == r.OrganisationId).Select(o => o.Name).FirstOrDefault() })
            .ToListAsync(ct);
        var text = new System.Text.StringBuilder($"Account {userId}: {user.DisplayName} <{user.Email}>");
        text.Append(organisations.Count == 0 ? "; in no organisation" : "; organisations: " + string.Join(", ", organisations));
        text.Append(requests.Count == 0
            ? "; no open erasure request."
            : "; open erasure request: " + string.Join(", ", requests.Select(r => $"{r.Organisation}, asked by the {(r.RequestedBy == ErasureRequester.Guardian ? "guardian" : "person")} on {r.RequestedAt:yyyy-MM-dd}")) + ".");
        return text.ToString();
    }

    /// <summary>Whether the folder a file is to be written in exists (checked before anything is done).</summary>
    internal static bool OutputFolderExists(FileInfo file) => file.Directory is null || file.Directory.Exists;

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
