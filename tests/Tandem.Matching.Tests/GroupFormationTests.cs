using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class GroupFormationTests
{
    /// <summary>Pools of up to 9 people with symmetric scores in −10..20 and group sizes 2..4.</summary>
    private static readonly Gen<GroupProblem> SmallPool =
        from n in Gen.Int[0, 9]
        from g in Gen.Int[2, 4]
        from values in Gen.Int[-10, 20].Array[n * (n - 1) / 2]
        select Symmetric(n, g, values);

    private static GroupProblem Symmetric(int n, int g, int[] values)
    {
        var s = new long[n, n];
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++, k++)
            {
                s[i, j] = s[j, i] = values[k];
            }
        }
        return new GroupProblem(n, g, s);
    }

    [Fact]
    public void SmallPoolsAreSolvedExactly()
    {
        SmallPool.Sample(p =>
        {
            var result = GroupFormation.Solve(p);

            AssertValidGrouping(p, result);
            Assert.Equal(BruteForceOptimum(p), result.TotalScore);
            Assert.True(result.IsProvenOptimal);
        }, iter: 1500);
    }

    [Fact]
    public void HeuristicGroupingIsValidAndItsBoundHolds()
    {
        SmallPool.Sample(p =>
        {
            // Exact methods switched off, so the heuristic and its degree bound are what is tested.
            var result = GroupFormation.Solve(p, exhaustiveLimit: 0, pairMatchingLimit: 0);
            var optimum = BruteForceOptimum(p);

            AssertValidGrouping(p, result);
            Assert.True(result.TotalScore <= optimum);
            Assert.True(optimum <= result.UpperBound, $"bound {result.UpperBound} is below the optimum {optimum}");
        }, iter: 1500);
    }

    [Fact]
    public void HeuristicIsNearlyAlwaysOptimalOnSmallPools()
    {
        // A fixed set of instances, so the quality figures are a regression check rather than a coin toss.
        var random = new Random(424242);
        int instances = 0, optimal = 0;
        var worstRatio = 1.0;
        for (var round = 0; round < 600; round++)
        {
            var n = random.Next(6, 10);
            var g = random.Next(2, 5);
            var values = Enumerable.Range(0, n * (n - 1) / 2).Select(_ => random.Next(0, 21)).ToArray();
            var p = Symmetric(n, g, values);

            var heuristic = GroupFormation.Solve(p, exhaustiveLimit: 0, pairMatchingLimit: 0).TotalScore;
            var optimum = BruteForceOptimum(p);

            instances++;
            optimal += heuristic == optimum ? 1 : 0;
            if (optimum > 0)
            {
                worstRatio = Math.Min(worstRatio, (double)heuristic / optimum);
            }
        }
        Assert.True(optimal >= instances * 95 / 100, $"optimal on only {optimal} of {instances}");
        Assert.True(worstRatio >= 0.9, $"worst ratio {worstRatio}");
    }

    [Fact]
    public void PairsAreFormedExactlyByMatching()
    {
        var gen =
            from n in Gen.Int[0, 10]
            from values in Gen.Int[-10, 20].Array[n * (n - 1) / 2]
            select Symmetric(n, 2, values);
        gen.Sample(p =>
        {
            var result = GroupFormation.Solve(p, exhaustiveLimit: 0, pairMatchingLimit: 100);

            AssertValidGrouping(p, result);
            Assert.Equal(BruteForceOptimum(p), result.TotalScore);
            Assert.True(result.IsProvenOptimal);
        }, iter: 1000);
    }

    [Fact]
    public void PlantedGroupsAreRecoveredAndProvenOptimal()
    {
        // 240 people in 60 planted groups of 4: a planted pair scores 10, any other pair 0..9, so every person's
        // best three partners are their planted group-mates and the degree bound equals the planted total.
        var random = new Random(99);
        const int n = 240, g = 4;
        var planted = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        var groupOf = new int[n];
        for (var x = 0; x < n; x++)
        {
            groupOf[planted[x]] = x / g;
        }
        var s = new long[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                s[i, j] = s[j, i] = groupOf[i] == groupOf[j] ? 10 : random.Next(0, 10);
            }
        }

        var result = GroupFormation.Solve(new GroupProblem(n, g, s));

        AssertValidGrouping(new GroupProblem(n, g, s), result);
        Assert.Equal(60 * 6 * 10, result.TotalScore);
        Assert.True(result.IsProvenOptimal);
    }

    [Fact]
    public void LargerRandomPoolStaysWithinItsBound()
    {
        var random = new Random(5);
        const int n = 150;
        var values = Enumerable.Range(0, n * (n - 1) / 2).Select(_ => random.Next(-5, 30)).ToArray();
        var p = Symmetric(n, 5, values);

        var result = GroupFormation.Solve(p);

        AssertValidGrouping(p, result);
        Assert.True(result.TotalScore <= result.UpperBound);
        Assert.True(result.TotalScore > 0);
    }

    [Theory]
    [InlineData(10, 4, new[] { 4, 3, 3 })]
    [InlineData(8, 4, new[] { 4, 4 })]
    [InlineData(5, 4, new[] { 3, 2 })]
    [InlineData(7, 2, new[] { 2, 2, 2, 1 })]
    [InlineData(3, 5, new[] { 3 })]
    [InlineData(0, 3, new int[0])]
    public void GroupSizesAreAsEqualAsPossibleAndNeverAboveTheTarget(int people, int size, int[] expected)
    {
        Assert.Equal(expected, GroupFormation.GroupSizes(people, size));
    }

    [Fact]
    public void UnevenPoolGetsSomeGroupsOneSmaller()
    {
        var p = Symmetric(10, 4, Enumerable.Range(0, 45).Select(x => x % 7).ToArray());

        var result = GroupFormation.Solve(p);

        Assert.Equal([3, 3, 4], result.Groups.Select(x => x.Length).Order());
    }

    [Fact]
    public void MalformedProblemsAreRejectedNamingTheField()
    {
        var asymmetric = new long[2, 2];
        asymmetric[0, 1] = 1;

        Assert.Equal("GroupSize",
            Assert.Throws<ArgumentException>(() => GroupFormation.Solve(new GroupProblem(2, 1, new long[2, 2]))).ParamName);
        Assert.Equal("PeopleCount",
            Assert.Throws<ArgumentException>(() => GroupFormation.Solve(new GroupProblem(-1, 2, new long[0, 0]))).ParamName);
        Assert.Equal("Score",
            Assert.Throws<ArgumentException>(() => GroupFormation.Solve(new GroupProblem(3, 2, new long[2, 2]))).ParamName);
        Assert.Equal("Score",
            Assert.Throws<ArgumentException>(() => GroupFormation.Solve(new GroupProblem(2, 2, asymmetric))).ParamName);
    }

    private static void AssertValidGrouping(GroupProblem p, GroupResult result)
    {
        var members = result.Groups.SelectMany(x => x).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, p.PeopleCount), members);
        Assert.Equal(
            GroupFormation.GroupSizes(p.PeopleCount, p.GroupSize).Order(),
            result.Groups.Select(x => x.Length).Order());
        Assert.Equal(result.Groups.Sum(x => GroupScore(p, x)), result.TotalScore);
        Assert.True(result.TotalScore <= result.UpperBound);
    }

    private static long GroupScore(GroupProblem p, int[] group) =>
        group.SelectMany(a => group.Where(b => b > a).Select(b => p.Score[a, b])).Sum();

    /// <summary>
    /// Best total over all groupings with the documented sizes: label people one by one, each joining an
    /// existing group with room or opening the next group (so every partition is seen once).
    /// </summary>
    private static long BruteForceOptimum(GroupProblem p)
    {
        var n = p.PeopleCount;
        if (n == 0)
        {
            return 0;
        }
        var sizes = GroupFormation.GroupSizes(n, p.GroupSize);
        var big = sizes.Max();
        var target = sizes.GroupBy(x => x).ToDictionary(x => x.Key, x => x.Count());
        var label = new int[n];
        var count = new int[sizes.Length];
        var best = long.MinValue;
        void Assign(int person, int opened)
        {
            if (person == n)
            {
                var histogram = count.Take(opened).GroupBy(x => x).ToDictionary(x => x.Key, x => x.Count());
                if (opened == sizes.Length && histogram.Count == target.Count
                    && histogram.All(h => target.TryGetValue(h.Key, out var c) && c == h.Value))
                {
                    long total = 0;
                    for (var a = 0; a < n; a++)
                    {
                        for (var b = a + 1; b < n; b++)
                        {
                            total += label[a] == label[b] ? p.Score[a, b] : 0;
                        }
                    }
                    best = Math.Max(best, total);
                }
                return;
            }
            for (var g = 0; g < opened + 1 && g < sizes.Length; g++)
            {
                if (count[g] == big)
                {
                    continue;
                }
                label[person] = g;
                count[g]++;
                Assign(person + 1, Math.Max(opened, g + 1));
                count[g]--;
            }
        }
        Assign(0, 0);
        return best;
    }
}
