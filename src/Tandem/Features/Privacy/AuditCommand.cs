using System.CommandLine;

namespace Tandem.Features.Privacy;

/// <summary>`tandem audit verify`: recomputes the audit log's hash chain; exit code 1 and the first broken entry when it does not hold.</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var audit = new Command("audit", "The audit log of reads of minors' records.");
        var verify = new Command("verify", "Check that no audit entry was edited, inserted or deleted (recomputes the hash chain).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<VerifyAuditLog>().RunAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            if (result.Intact)
            {
                await output.WriteLineAsync($"The audit log is intact: {result.Entries:N0} entries; the last hash is {result.LastHash}.");
                return 0;
            }
            await parse.InvocationConfiguration.Error.WriteLineAsync($"The audit log is broken: {result.Problem}. The {result.Entries:N0} entries before it are intact.");
            return 1;
        });
        audit.Subcommands.Add(verify);
        return audit;
    }
}
