using System.CommandLine;
using Tandem.Features.Matching;

namespace Tandem.Infrastructure.Cli;

/// <summary>The `tandem` command line: serve (default) and the admin commands.</summary>
public static class TandemCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var root = new RootCommand("Tandem: peer mentorship programs, end to end. Without a command, serves the web app.");
        root.Subcommands.Add(SolveCommand.Create());

        var config = new InvocationConfiguration { Output = output, Error = error };
        return await root.Parse(args).InvokeAsync(config, ct);
    }
}
