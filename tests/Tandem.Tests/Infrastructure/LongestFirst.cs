using Xunit.Abstractions;
using Xunit.Sdk;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// How long a test class ran in a whole run, roughly (both databases' suites side by side on the 2-core machine; docs/
/// benchmarks.md, "Test suite"), so that <see cref="LongestFirst"/> starts it before the short ones. Only the order of
/// classes changes, never what runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RunsLongAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}

/// <summary>
/// Starts the test classes marked <see cref="RunsLongAttribute"/> first, longest first, then the others in xUnit's
/// order. Test classes run two at a time; a long class started last ran on alone while the other core had nothing
/// left (the district-scale class, 155 s, was the last to start in one run and ended the PostgreSQL suite 68 s after
/// the SQLite one). Longest first leaves the short classes to fill the end.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(c => SecondsOf(c.DisplayName));

    /// <summary>The marked length of the class a per-class collection is named after ("Test collection for Namespace.Class"), or 0.</summary>
    public static int SecondsOf(string collectionName)
    {
        if (!collectionName.StartsWith(PerClassPrefix, StringComparison.Ordinal))
        {
            return 0;
        }
        var name = collectionName[PerClassPrefix.Length..];
        var space = name.IndexOf(' ');
        var type = typeof(LongestFirst).Assembly.GetType(space < 0 ? name : name[..space]);
        return type?.GetCustomAttributes(typeof(RunsLongAttribute), false).OfType<RunsLongAttribute>().FirstOrDefault()?.Seconds ?? 0;
    }
}
