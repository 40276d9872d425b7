using System.CommandLine;
using System.Globalization;
using Tandem.Data;

namespace Tandem.Infrastructure.Email;

/// <summary>
/// `tandem mail queue` lists unsent e-mails (waiting for a retry, or given up) with their last error;
/// `tandem mail retry [--id ID]` makes them due now with a fresh set of attempts and sends them from this process; a
/// message replaced by a newer one (an invitation sent again) is never retried.
/// </summary>
public static class OutboxCommand
{
    public static Command Create()
    {
        var mail = new Command("mail", "The e-mail outbox: see and retry messages that have not gone out.");

        var max = new Option<int>("--max") { Description = "List at most this many (oldest first).", DefaultValueFactory = _ => 50 };
        var queue = new Command("queue", "List the e-mails that have not gone out yet, oldest first, with attempts and the last error.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        queue.Options.Add(max);
        queue.SetAction(async (parse, ct) =>
        {
            await using var scope = (await StartAsync(parse, ct)).CreateAsyncScope();
            var status = await scope.ServiceProvider.GetRequiredService<MailOutbox>().StatusAsync(parse.GetValue(max), ct);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{status.Waiting} waiting for another attempt, {status.GivenUp} given up, {status.Replaced} replaced by newer messages (never sent).");
            foreach (var e in status.Oldest)
            {
                var state = e.ReplacedAt is { } replaced ? $"replaced {Time(replaced)}"
                    : e.GaveUpAt is { } gaveUp ? $"given up {Time(gaveUp)}" : $"next attempt {Time(e.NextAttemptAt)}";
                await output.WriteLineAsync($"{e.Id}  {Time(e.CreatedAt)}  attempts {e.Attempts}  {state}  to {e.Recipient}  \"{e.Subject}\"  {e.LastError}");
            }
            return 0;
        });

        var id = new Option<Guid?>("--id") { Description = "Retry only this message (an id from `tandem mail queue`)." };
        var retry = new Command("retry", "Make unsent e-mails (given-up ones too, but not those replaced by newer messages) due now with a fresh set of attempts, and send them now.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        retry.Options.Add(id);
        retry.SetAction(async (parse, ct) =>
        {
            var services = await StartAsync(parse, ct);
            int reset;
            await using (var scope = services.CreateAsyncScope())
            {
                reset = await scope.ServiceProvider.GetRequiredService<MailOutbox>().RetryAsync(parse.GetValue(id), ct);
            }
            int sent = 0, failed = 0;
            for (var pass = 0; pass < 1000; pass++)
            {
                await using var scope = services.CreateAsyncScope();
                var run = await scope.ServiceProvider.GetRequiredService<MailOutbox>().DeliverDueAsync(ct);
                sent += run.Sent;
                failed += run.Failed + run.GaveUp;
                if (run.Claimed == 0 || run.Sent == 0)
                {
                    break;
                }
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{reset} e-mails made due again: {sent} sent now, {failed} still not sent (retried later by the app).");
            return failed == 0 ? 0 : 1;
        });

        mail.Subcommands.Add(queue);
        mail.Subcommands.Add(retry);
        return mail;
    }

    private static async Task<IServiceProvider> StartAsync(ParseResult parse, CancellationToken ct)
    {
        var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
        return app.Services;
    }

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
