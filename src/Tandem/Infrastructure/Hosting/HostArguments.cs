namespace Tandem.Infrastructure.Hosting;

/// <summary>
/// The command-line tokens the host reads as settings: <c>--Name value</c>, <c>--Name=value</c>, <c>/Name value</c> and
/// <c>Name=value</c> (ASP.NET Core's command-line configuration). The host skips anything else without a word, which is how
/// a mistyped command used to start the web server: such tokens are refused instead (docs/decisions/0039).
/// </summary>
public static class HostArguments
{
    public enum Problem
    {
        /// <summary>A word that is not a setting: a mistyped command at the top level, a stray argument after one.</summary>
        NotASetting,
        /// <summary>A single-dash option such as <c>-e</c>: the host only reads those it maps, and it maps none.</summary>
        SingleDash,
        /// <summary><c>--Name</c> at the end, with no value after it.</summary>
        NoValue,
    }

    /// <summary>The tokens the host would skip, each with why, in order.</summary>
    public static IReadOnlyList<(string Token, Problem Problem)> Ignored(IReadOnlyList<string> tokens)
    {
        var ignored = new List<(string, Problem)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.StartsWith("--", StringComparison.Ordinal) || token.StartsWith('/'))
            {
                if (token.Contains('='))
                {
                    continue;
                }
                if (i + 1 == tokens.Count)
                {
                    ignored.Add((token, Problem.NoValue));
                }
                i++; // its value, whatever it looks like
            }
            else if (token.StartsWith('-'))
            {
                ignored.Add((token, Problem.SingleDash));
            }
            else if (!token.Contains('='))
            {
                ignored.Add((token, Problem.NotASetting));
            }
        }
        return ignored;
    }
}
