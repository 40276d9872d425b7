using System.CommandLine;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>`tandem solve PROBLEM.json`: solves a matching problem (docs/formats.md) and prints the result JSON.</summary>
public static class SolveCommand
{
    /// <summary>Exit code for a malformed or unreadable problem.</summary>
    public const int MalformedProblem = 2;

    public static Command Create()
    {
        var problem = new Argument<FileInfo>("problem") { Description = "Path of a matching problem JSON file (docs/formats.md)." };
        var compact = new Option<bool>("--compact") { Description = "Print the result on one line instead of indented." };
        var command = new Command("solve", "Solve a matching problem and print the result as JSON.");
        command.Arguments.Add(problem);
        command.Options.Add(compact);
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(problem)!;
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string json;
            try
            {
                json = await File.ReadAllTextAsync(file.FullName, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"problem: cannot read '{file.FullName}': {e.Message}");
                return MalformedProblem;
            }
            try
            {
                // The solver is CPU-bound and synchronous; run it off the caller's context.
                var result = await Task.Run(() => MatchingProblemJson.Solve(json, indented: !parse.GetValue(compact)), ct);
                await output.WriteLineAsync(result);
                return 0;
            }
            catch (MatchingProblemException e)
            {
                await error.WriteLineAsync($"malformed problem: {e.Message}");
                return MalformedProblem;
            }
        });
        return command;
    }
}
