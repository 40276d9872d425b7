using System.CommandLine;
using System.Globalization;
using Tandem.Data;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Matching;

/// <summary>
/// `tandem match --program ID`: runs pool matching as the installation operator (the same use case as the
/// page's "Run matching" button), stores a draft and prints its figures. Exit codes: 0 a draft was made,
/// 1 the program cannot be matched (unknown, or its setup is unusable).
/// </summary>
public static class MatchCommand
{
    public static Command Create()
    {
        var program = new Option<Guid>("--program") { Description = "The id of the program whose approved, unmatched pool to match.", Required = true };
        var command = new Command("match", "Run pool matching for a program, store a draft and print its figures.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(program);
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var app = TandemApp.BuildForCommand(parse.UnmatchedTokens.ToArray());
            var database = app.Services.GetRequiredService<DatabaseOptions>();
            if (database.MigrateOnStartup ?? database.Provider == DatabaseProvider.Sqlite)
            {
                await DatabaseSetup.MigrateAsync(app.Services, ct);
            }
            await using var scope = app.Services.CreateAsyncScope();
            var operatorActor = new Actor(Guid.Empty, IsAdministrator: true);
            var programId = parse.GetValue(program);
            var draft = await scope.ServiceProvider.GetRequiredService<RunPoolMatching>().RunAsync(operatorActor, programId, ct);
            if (draft.Failure is { } failure)
            {
                await error.WriteLineAsync(failure.Detail);
                return 1;
            }
            var d = draft.Value!.Draft;
            var proposals = d.Proposals.Count;
            await output.WriteLineAsync($"Draft {d.Number} for program {programId} ({d.Id})");
            await output.WriteLineAsync($"  matched:                  {d.Matched}");
            await output.WriteLineAsync($"  unmatched:                {d.Unmatched}");
            await output.WriteLineAsync($"  proposals:                {proposals}");
            await output.WriteLineAsync($"  average score:            {d.AverageScore.ToString("0.##", CultureInfo.InvariantCulture)}");
            await output.WriteLineAsync($"  pairs sharing free time:  {d.PairsSharingFreeTime} of {proposals}");
            foreach (var person in d.UnmatchedPeople())
            {
                await output.WriteLineAsync($"  not matched: {person.Name} ({person.Role.ToString().ToLowerInvariant()}): {person.Reason}");
            }
            await output.WriteLineAsync("Review, adjust and publish it on the program's matching page.");
            return 0;
        });
        return command;
    }
}
