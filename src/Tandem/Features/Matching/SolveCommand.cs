using System.CommandLine;

namespace Tandem.Features.Matching;

/// <summary>`tandem solve PROBLEM.json`: placeholder until the matching engine lands.</summary>
public static class SolveCommand
{
    public static Command Create()
    {
        var problem = new Argument<FileInfo>("problem") { Description = "Path of a matching problem JSON file (docs/formats.md)." };
        var command = new Command("solve", "Solve a matching problem and print the result as JSON.");
        command.Arguments.Add(problem);
        command.SetAction((parse, ct) =>
        {
            parse.InvocationConfiguration.Error.WriteLine("not implemented yet");
            return Task.FromResult(2);
        });
        return command;
    }
}
