using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class GroupMixTests
{
    /// <summary>Pools of up to 9 people, group sizes 2..4, answers from 1..4 values (some unanswered), mixes of 1..3.</summary>
    private static readonly Gen<(GroupProblem P, GroupMix Mix)> SmallPool =
        from n in Gen.Int[0, 9]
        from g in Gen.Int[2, 4]
        from scores in Gen.Int[-10, 20].Array[n * (n - 1) / 2]
        from valueCount in Gen.Int[1, 4]
        from answers in Gen.Int[-1, 3].Array[n]
        from k in Gen.Int[1, 3]
        select (Symmetric(n, g, scores), new GroupMix(answers.Select(a => a < 0 ? -1 : a % valueCount).ToArray(), k, "school"));

    private static GroupProblem Symmetric(int n, int g, int[] values)
    {
        var s = new long[n, n];
        var k = 0;
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++, k++) s[i, j] = s[j, i] = values[k];
        return new GroupProblem(n, g, s);
    }

    private static int Missing(GroupMix mix, IEnumerable<int[]> groups) =>
        groups.Sum(g => Math.Max(0, mix.MinimumDistinct - g.Select(x => mix.ValueOfPerson[x]).Where(v => v >= 0).Distinct().Count()));

    /// <summary>Fewest answers missing over all groups, then the best total, over every grouping with the documented sizes.</summary>
    private static (int Missing, long Total) BruteForce(GroupProblem p, GroupMix mix)
    {
        var n = p.PeopleCount;
        if (n == 0) return (0, 0);
        var sizes = GroupFormation.GroupSizes(n, p.GroupSize);
        var target = string.Join(",", sizes.Order());
        var label = new int[n];
        var count = new int[sizes.Length];
        (int, long) best = (int.MaxValue, long.MinValue);
        void Assign(int person, int opened)
        {
            if (person == n)
            {
                if (opened != sizes.Length || string.Join(",", count.Order()) != target) return;
                var groups = Enumerable.Range(0, opened).Select(g => Enumerable.Range(0, n).Where(x => label[x] == g).ToArray()).ToList();
                long total = 0;
                foreach (var g in groups)
                    for (var a = 0; a < g.Length; a++)
                        for (var b = a + 1; b < g.Length; b++) total += p.Score[g[a], g[b]];
                var key = (Missing(mix, groups), total);
                if (key.Item1 < best.Item1 || (key.Item1 == best.Item1 && key.total > best.Item2)) best = key;
                return;
            }
            for (var g = 0; g < opened + 1 && g < sizes.Length; g++)
            {
                if (count[g] == sizes[0]) continue;
                label[person] = g;
                count[g]++;
                Assign(person + 1, Math.Max(opened, g + 1));
                count[g]--;
            }
        }
        Assign(0, 0);
        return best;
    }

    private static void AssertValid(GroupProblem p, GroupMix mix, MixedGroupResult r)
    {
        Assert.Equal(Enumerable.Range(0, p.PeopleCount), r.Groups.SelectMany(x => x).Order());
        Assert.Equal(GroupFormation.GroupSizes(p.PeopleCount, p.GroupSize).Order(), r.Groups.Select(x => x.Length).Order());
        long total = 0;
        foreach (var g in r.Groups)
            for (var a = 0; a < g.Length; a++)
                for (var b = a + 1; b < g.Length; b++) total += p.Score[g[a], g[b]];
        Assert.Equal(total, r.TotalScore);
        Assert.True(r.TotalScore <= r.UpperBound);
        var distinct = r.Groups.Select(g => g.Select(x => mix.ValueOfPerson[x]).Where(v => v >= 0).Distinct().Count()).ToArray();
        Assert.Equal(distinct, r.DistinctValues);
        Assert.Equal(Enumerable.Range(0, r.Groups.Count).Where(g => distinct[g] < mix.MinimumDistinct), r.GroupsShortOfMix);
    }

    [Fact]
    public void SmallPoolsGetTheMostMixThenTheBestTotalExactly()
    {
        SmallPool.Sample(t =>
        {
            var r = GroupFormation.Solve(t.P, t.Mix);
            AssertValid(t.P, t.Mix, r);
            var (missing, total) = BruteForce(t.P, t.Mix);
            Assert.Equal(missing, Missing(t.Mix, r.Groups));
            Assert.Equal(total, r.TotalScore);
            Assert.True(r.IsProvenOptimal);
            // The flow bound decides exactly whether every group can have the mix.
            Assert.Equal(missing == 0, r.MixPossibleEverywhere);
        }, iter: 1500);
    }

    [Fact]
    public void HeuristicReachesTheMixWheneverPossibleAndStaysUnderItsBound()
    {
        SmallPool.Sample(t =>
        {
            var r = GroupFormation.Solve(t.P, t.Mix, exhaustiveLimit: 0, pairMatchingLimit: 0);
            AssertValid(t.P, t.Mix, r);
            var (missing, total) = BruteForce(t.P, t.Mix);
            if (r.MixPossibleEverywhere) Assert.Empty(r.GroupsShortOfMix);
            Assert.True(Missing(t.Mix, r.Groups) >= missing);
            if (Missing(t.Mix, r.Groups) == missing) Assert.True(r.TotalScore <= total);
            Assert.True(total <= r.UpperBound || missing < Missing(t.Mix, r.Groups));
        }, iter: 1500);
    }

    [Fact]
    public void AMixOfOneWithEveryoneAnsweringIsTheOldGrouping()
    {
        SmallPool.Sample(t =>
        {
            var answered = new GroupMix(t.Mix.ValueOfPerson.Select(v => Math.Max(0, v)).ToArray(), 1);
            var plain = GroupFormation.Solve(t.P);
            var mixed = GroupFormation.Solve(t.P, answered);
            Assert.Equal(plain.Groups, mixed.Groups);
            Assert.Equal(plain.TotalScore, mixed.TotalScore);
            Assert.Equal(plain.UpperBound, mixed.UpperBound);
            Assert.Empty(mixed.GroupsShortOfMix);
        }, iter: 500);
    }

    /// <summary>Four schools of 10; the scores favour classmates strongly, so the unmixed groups are single-school.</summary>
    private static (GroupProblem P, int[] School) Schools(int people, int schools, int groupSize, int seed)
    {
        var rng = new Random(seed);
        var school = Enumerable.Range(0, people).Select(x => x % schools).ToArray();
        var s = new long[people, people];
        for (var a = 0; a < people; a++)
            for (var b = a + 1; b < people; b++)
                s[a, b] = s[b, a] = (school[a] == school[b] ? 20 : 0) + rng.Next(0, 10);
        return (new GroupProblem(people, groupSize, s), school);
    }

    [Fact]
    public void SatisfiableMixIsMetInEveryGroupOfALargerPool()
    {
        var (p, school) = Schools(40, 4, 4, 1);
        var plain = GroupFormation.Solve(p);
        Assert.Contains(plain.Groups, g => g.Select(x => school[x]).Distinct().Count() < 3);
        var mix = new GroupMix(school, 3, "school");
        var r = GroupFormation.Solve(p, mix);
        AssertValid(p, mix, r);
        Assert.True(r.MixPossibleEverywhere);
        Assert.Empty(r.GroupsShortOfMix);
        Assert.All(r.DistinctValues, d => Assert.True(d >= 3));
        Assert.True(r.TotalScore < plain.TotalScore);
        Assert.NotNull(r.GapPercent);
        Assert.StartsWith("Within ", r.BoundStatement);
        Assert.True(r.GapPercent < 35, r.BoundStatement);
    }

    [Fact]
    public void UnsatisfiableMixNamesTheShortGroupsAndSaysItCannotBeHelped()
    {
        // 12 people, 10 from school 0 and 2 from school 1, in groups of 3: only 2 of the 4 groups can mix.
        var (p, _) = Schools(12, 1, 3, 2);
        var school = Enumerable.Range(0, 12).Select(x => x < 10 ? 0 : 1).ToArray();
        var mix = new GroupMix(school, 2, "school");
        var r = GroupFormation.Solve(p, mix);
        AssertValid(p, mix, r);
        Assert.False(r.MixPossibleEverywhere);
        Assert.Equal(2, r.GroupsShortOfMix.Count);
        Assert.Equal(6, r.MostGroupsWithMixBound); // 4 groups x 2 wanted = 8, but school 1 can fill only 2 places
        // The same pool searched by the heuristic does as well on the mix.
        var h = GroupFormation.Solve(p, mix, exhaustiveLimit: 0, pairMatchingLimit: 0);
        Assert.Equal(2, h.GroupsShortOfMix.Count);

        // A mix larger than the groups can never be met.
        var tooBig = GroupFormation.Solve(p, new GroupMix(Enumerable.Range(0, 12).ToArray(), 4));
        Assert.False(tooBig.MixPossibleEverywhere);
        Assert.Equal(4, tooBig.GroupsShortOfMix.Count);
    }

    [Fact]
    public void MalformedMixesAreRejected()
    {
        var p = new GroupProblem(3, 2, new long[3, 3]);
        Assert.Throws<ArgumentException>(() => GroupFormation.Solve(p, new GroupMix([0, 1], 2)));
        Assert.Throws<ArgumentException>(() => GroupFormation.Solve(p, new GroupMix([0, 1, 2], 0)));
    }
}
