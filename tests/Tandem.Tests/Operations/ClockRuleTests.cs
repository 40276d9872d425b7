using System.Text.RegularExpressions;

namespace Tandem.Tests.Operations;

/// <summary>The app reads the time only through the injected TimeProvider, so tests can move it (the engine has no clock).</summary>
public sealed partial class ClockRuleTests
{
    [GeneratedRegex(@"\b(DateTime|DateTimeOffset)\.(UtcNow|Now|Today)\b")]
    private static partial Regex SystemClock();

    [Fact]
    public void NoSourceFileOfTheAppReadsTheSystemClockDirectly()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Tandem.slnx")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        var app = Path.Combine(root.FullName, "src", "Tandem");
        var offenders = Directory.EnumerateFiles(app, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root.FullName, f), Line: i + 1, Text: line)))
            .Where(l => SystemClock().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Read the time from the injected TimeProvider instead:\n" + string.Join("\n", offenders));
    }
}
