using System.CommandLine;
using System.Globalization;

namespace Tandem.Features.Notifications;

/// <summary>`tandem notifications digest [--at TIME]`: one pass of the daily digest now (or as if it were TIME), from this process.</summary>
public static class DigestCommand
{
    public static Command Create()
    {
        var notifications = new Command("notifications", "Notifications: send the daily digests.");
        var at = new Option<string?>("--at") { Description = "Run as if it were this time (ISO 8601, e.g. 2027-01-10T17:05:00Z); now when left out." };
        var digest = new Command("digest", "E-mail the daily digest to everyone whose digest hour has passed and who has notifications waiting for it.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        digest.Options.Add(at);
        digest.SetAction(async (parse, ct) =>
        {
            DateTime? when = null;
            if (parse.GetValue(at) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    || parsed.UtcDateTime.Year is < 2000 or > 9998)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"--at: '{text}' is not a time between the years 2000 and 9998 such as 2027-01-10T17:05:00Z. Nothing was sent.");
                    return 2;
                }
                when = parsed.UtcDateTime;
            }
            var app = await TandemApp.StartForCommandAsync(parse.UnmatchedTokens.ToArray(), ct);
            await using var scope = app.Services.CreateAsyncScope();
            var useCase = scope.ServiceProvider.GetRequiredService<SendDailyDigests>();
            var run = when is { } t ? await useCase.RunAsync(t, ct) : await useCase.RunAsync(ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{run.Digests} digests e-mailed, listing {run.Notifications} notifications.");
            return 0;
        });
        notifications.Subcommands.Add(digest);
        return notifications;
    }
}
