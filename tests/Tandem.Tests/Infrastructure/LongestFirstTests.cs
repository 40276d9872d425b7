using Tandem.Tests.Engagement;
using Tandem.Tests.Matching;
using Xunit.Sdk;

namespace Tandem.Tests.Infrastructure;

public sealed class LongestFirstTests
{
    /// <summary>The collection xUnit makes for a test class, named as xUnit names it.</summary>
    private static Xunit.Abstractions.ITestCollection CollectionOf(Type testClass) =>
        new CollectionPerClassTestCollectionFactory(new TestAssembly(Reflector.Wrap(testClass.Assembly)), new NullMessageSink())
            .Get(Reflector.Wrap(testClass));

    [Fact]
    public void TheLongestMarkedClassStartsFirstAndUnmarkedClassesKeepXunitsOrder()
    {
        var unmarked = new[] { typeof(LongestFirstTests), typeof(PoolMatchingTests) }.Select(CollectionOf).ToList();
        var district = CollectionOf(typeof(DistrictScaleTests));
        var sweep = CollectionOf(typeof(Security.BadInputSweepTests));

        var ordered = new LongestFirst().OrderTestCollections([unmarked[0], sweep, unmarked[1], district]).ToList();

        Assert.Equal([district, sweep, unmarked[0], unmarked[1]], ordered);
        Assert.Equal(0, LongestFirst.SecondsOf(unmarked[0].DisplayName));
    }

    [Fact]
    public void ThisAssemblyIsOrderedByIt()
    {
        var data = System.Reflection.CustomAttributeData.GetCustomAttributes(typeof(LongestFirst).Assembly)
            .Single(a => a.AttributeType == typeof(TestCollectionOrdererAttribute));
        Assert.Equal([typeof(LongestFirst).FullName, typeof(LongestFirst).Assembly.GetName().Name],
            data.ConstructorArguments.Select(a => (string?)a.Value));
    }
}
