using System.CommandLine;
using Tandem.Data;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Recruitment;

/// <summary>
/// `tandem import roster FILE.csv --program ID [--dry-run]`: the same checks and import as the page
/// and the API, run as the installation operator. Exit codes: 0 imported (or valid, with --dry-run),
/// 2 invalid input (every row error on stderr, nothing written), 1 the program cannot be used.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The roster CSV (columns: email, first_name, last_name, role; optional time_zone, group)." };
        var program = new Option<Guid>("--program") { Description = "The id of the program to invite the roster to.", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and print what would be imported; write and send nothing." };
        var encoding = new Option<string?>("--encoding")
        {
            Description = "The file's encoding when it has no byte-order mark: utf-8 (the default), utf-16le, utf-16be or windows-1252.",
        };
        var roster = new Command("roster", "Invite a roster of participants from a CSV file. All rows are checked first; nothing is written if any row is invalid.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        roster.Arguments.Add(file);
        roster.Options.Add(program);
        roster.Options.Add(dryRun);
        roster.Options.Add(encoding);
        roster.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await error.WriteLineAsync($"No such file: {path.FullName}");
                return 2;
            }
            var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
            var limit = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RecruitmentOptions>>().Value.MaxRosterBytes;
            if (path.Length > limit)
            {
                await error.WriteLineAsync($"The file is larger than {limit / 1024} KB.");
                return 2;
            }
            var csv = new RosterFile(await File.ReadAllBytesAsync(path.FullName, ct), parse.GetValue(encoding));
            await using var scope = app.Services.CreateAsyncScope();
            var operatorActor = new Actor(Guid.Empty, IsAdministrator: true);
            var programId = parse.GetValue(program);

            var preview = await scope.ServiceProvider.GetRequiredService<PreviewRoster>().RunAsync(operatorActor, programId, csv, ct);
            if (preview.Failure is { } failure)
            {
                await error.WriteLineAsync(failure.Detail);
                return 1;
            }
            if (!preview.Value!.IsValid)
            {
                return await ReportAsync(error, preview.Value.Errors);
            }
            if (preview.Value.Encoding == RosterEncoding.Windows1252)
            {
                await error.WriteLineAsync("The file is not UTF-8; it was read as Windows-1252.");
            }
            if (parse.GetValue(dryRun))
            {
                await output.WriteLineAsync($"{preview.Value.Rows.Count} rows are valid; nothing was imported (--dry-run).");
                return 0;
            }
            var imported = await scope.ServiceProvider.GetRequiredService<ImportRoster>().RunAsync(operatorActor, programId, csv, ct);
            switch (imported.Failure)
            {
                case RosterInvalid invalid:
                    return await ReportAsync(error, invalid.Errors);
                case { } other:
                    await error.WriteLineAsync(other.Detail);
                    return 1;
            }
            await output.WriteLineAsync($"Invited {imported.Value!.Invited} people; {imported.Value.Sent} e-mails sent.");
            if (imported.Value.Sent < imported.Value.Invited)
            {
                await error.WriteLineAsync($"{imported.Value.Invited - imported.Value.Sent} e-mails could not be sent; resend them from the invitations page.");
            }
            return 0;
        });
        var command = new Command("import", "Import data from files.");
        command.Subcommands.Add(roster);
        return command;
    }

    private static async Task<int> ReportAsync(TextWriter error, IReadOnlyList<RosterError> errors)
    {
        await error.WriteLineAsync($"The roster has {errors.Count} error(s); nothing was imported:");
        foreach (var e in errors)
        {
            await error.WriteLineAsync($"  {e}");
        }
        return 2;
    }
}
