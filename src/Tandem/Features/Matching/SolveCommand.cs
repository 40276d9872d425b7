using System.CommandLine;
using System.Text;
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
        command.SetAction((parse, ct) =>
            // The solver is CPU-bound and synchronous; run it off the caller's context.
            Task.Run(() => Run(parse.GetValue(problem)!.FullName, parse.GetValue(compact), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error), ct));
        return command;
    }

    /// <summary>
    /// `tandem solve FILE` and `tandem solve FILE --compact` run straight from Main, before the command
    /// line parser and anything of the web app is loaded: start-up is a visible part of solving a
    /// large problem file. Anything else (--help, unknown options) returns null and takes the parser.
    /// </summary>
    public static int? TryRunDirect(string[] args, TextWriter output, TextWriter error)
    {
        if (args is not ["solve", .. var rest] || rest.Length is < 1 or > 2) return null;
        var compact = rest.Length == 2;
        string path;
        if (!compact) path = rest[0];
        else if (rest[1] == "--compact") path = rest[0];
        else if (rest[0] == "--compact") path = rest[1];
        else return null;
        if (path.StartsWith('-')) return null;
        return Run(Path.GetFullPath(path), compact, output, error);
    }

    private static int Run(string path, bool compact, TextWriter output, TextWriter error)
    {
        try
        {
            if (ReferenceEquals(output, Console.Out))
            {
                // The process's own output: write the result's UTF-8 bytes as they come, with no text layer.
                using var stdout = Console.OpenStandardOutput();
                MatchingProblemJson.SolveFile(path, stdout, indented: !compact);
                stdout.WriteByte((byte)'\n');
            }
            else
            {
                using var buffer = new MemoryStream();
                MatchingProblemJson.SolveFile(path, buffer, indented: !compact);
                output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"problem: cannot read '{path}': {e.Message}");
            return MalformedProblem;
        }
        catch (MatchingProblemException e)
        {
            error.WriteLine($"malformed problem: {e.Message}");
            return MalformedProblem;
        }
    }
}
