using Tandem.Data;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// A browser test run on one of the two databases only. The two longest journeys check what a page shows and how it
/// behaves on a phone, by keyboard and under axe-core, which the database under the app does not change; every data path
/// they take is covered on both databases by the HTTP tests. Each runs on a different database, so that both browser
/// suites keep one and test.sh's two side-by-side runs stay even (docs/benchmarks.md, "Test suite").
/// </summary>
public sealed class OneDatabaseFactAttribute : FactAttribute
{
    public OneDatabaseFactAttribute(DatabaseProvider provider)
    {
        if (TestDatabase.Provider != provider)
        {
            Skip = $"Runs on {provider} only: the pages it checks do not depend on the database, and the other browser suite runs another long journey.";
        }
    }
}
