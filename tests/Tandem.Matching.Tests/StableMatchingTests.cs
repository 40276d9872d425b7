using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class StableMatchingTests
{
    /// <summary>
    /// Small problems: every (mentee, mentor) cell gets a key for each side; a key below 3 means
    /// "not listed", otherwise lower keys rank higher (ties by index). Keys shrink towards "not listed".
    /// </summary>
    private static readonly Gen<StableProblem> SmallProblem =
        from n in Gen.Int[0, 5]
        from m in Gen.Int[0, 4]
        from menteeKeys in Gen.Int[0, 9].Array[n * m]
        from mentorKeys in Gen.Int[0, 9].Array[n * m]
        from capacities in Gen.Int[0, 3].Array[m]
        select FromKeys(n, m, menteeKeys, mentorKeys, capacities);

    private static StableProblem FromKeys(int n, int m, int[] menteeKeys, int[] mentorKeys, int[] capacities)
    {
        var menteePrefs = new int[n][];
        for (var i = 0; i < n; i++)
        {
            menteePrefs[i] = Enumerable.Range(0, m).Where(j => menteeKeys[i * m + j] >= 3)
                .OrderBy(j => menteeKeys[i * m + j]).ThenBy(j => j).ToArray();
        }
        var mentorPrefs = new int[m][];
        for (var j = 0; j < m; j++)
        {
            mentorPrefs[j] = Enumerable.Range(0, n).Where(i => mentorKeys[i * m + j] >= 3)
                .OrderBy(i => mentorKeys[i * m + j]).ThenBy(i => i).ToArray();
        }
        return new StableProblem(menteePrefs, mentorPrefs, capacities);
    }

    [Fact]
    public void DeferredAcceptanceIsStableAndMenteeOptimalAgainstBruteForce()
    {
        SmallProblem.Sample(p =>
        {
            var result = StableMatching.Solve(p);
            var stable = AllStableMatchings(p);

            Assert.Empty(result.BlockingPairs);
            Assert.Contains(stable, s => s.SequenceEqual(result.MentorOfMentee));
            foreach (var other in stable)
            {
                for (var i = 0; i < p.MenteeCount; i++)
                {
                    Assert.True(
                        MenteeRank(p, i, result.MentorOfMentee[i]) <= MenteeRank(p, i, other[i]),
                        $"mentee {i} does better in another stable matching");
                }
            }
        }, iter: 3000);
    }

    [Fact]
    public void FindBlockingPairsAgreesWithTheDefinitionOnArbitraryAssignments()
    {
        var gen =
            from p in SmallProblem
            from raw in Gen.Int[-1, 3].Array[p.MenteeCount]
            select (p, WithinCapacity(p, raw));
        gen.Sample((p, assignment) =>
        {
            var expected = new List<(int, int)>();
            for (var i = 0; i < p.MenteeCount; i++)
            {
                foreach (var j in p.MenteePreferences[i])
                {
                    if (Blocks(p, assignment, i, j))
                    {
                        expected.Add((i, j));
                    }
                }
            }
            Assert.Equal(expected, StableMatching.FindBlockingPairs(p, assignment));
        }, iter: 3000);
    }

    [Fact]
    public void MentorWithCapacityTwoKeepsItsTwoFavouriteProposers()
    {
        // Mentor 0 (capacity 2) ranks mentees 2, 0, 1; mentor 1 (capacity 1) ranks 1, 0.
        var p = new StableProblem(
            MenteePreferences: [[0, 1], [0, 1], [0]],
            MentorPreferences: [[2, 0, 1], [1, 0]],
            MentorCapacities: [2, 1]);

        var result = StableMatching.Solve(p);

        Assert.Equal([0, 1, 0], result.MentorOfMentee);
        Assert.True(result.IsStable);
        Assert.Equal(3, result.MatchedCount);
    }

    [Fact]
    public void OneSidedListingIsNotAcceptable()
    {
        // Mentee 0 lists mentor 0, but mentor 0 does not list mentee 0.
        var p = new StableProblem([[0]], [[]], [1]);

        var result = StableMatching.Solve(p);

        Assert.Equal([-1], result.MentorOfMentee);
        Assert.Empty(result.BlockingPairs);
    }

    [Fact]
    public void ZeroCapacityMentorTakesNobodyAndIsNeverBlocking()
    {
        var p = new StableProblem([[0, 1], [0]], [[0, 1], [0]], [0, 1]);

        var result = StableMatching.Solve(p);

        Assert.Equal([1, -1], result.MentorOfMentee);
        Assert.Empty(result.BlockingPairs);
    }

    [Fact]
    public void BlockingPairsOfAnUnstableAssignmentAreReported()
    {
        // Both mentees prefer mentor 0, which prefers mentee 0; giving mentor 0 to mentee 1 is unstable.
        var p = new StableProblem([[0, 1], [0, 1]], [[0, 1], [0, 1]], [1, 1]);

        var blocking = StableMatching.FindBlockingPairs(p, [1, 0]);

        Assert.Equal([(0, 0)], blocking);
        Assert.Empty(StableMatching.FindBlockingPairs(p, [0, 1]));
    }

    [Fact]
    public void RanksFromScoresOrdersByScoreAndBreaksTiesByIndex()
    {
        var pairs = new[] { (0, 1, 5L), (0, 0, 5L), (1, 0, 7L), (1, 1, 2L), (2, 1, 5L) };

        var p = StableMatching.RanksFromScores(3, [1, 2], pairs);

        Assert.Equal([0, 1], p.MenteePreferences[0]);
        Assert.Equal([0, 1], p.MenteePreferences[1]);
        Assert.Equal([1], p.MenteePreferences[2]);
        Assert.Equal([1, 0], p.MentorPreferences[0]);
        Assert.Equal([0, 2, 1], p.MentorPreferences[1]);
        Assert.Equal([1, 2], p.MentorCapacities);
    }

    [Fact]
    public void RanksFromAScoreFunctionSkipsForbiddenPairs()
    {
        var p = StableMatching.RanksFromScores(2, [1, 1], (i, j) => i == j ? null : i + j);

        Assert.Equal([1], p.MenteePreferences[0]);
        Assert.Equal([0], p.MenteePreferences[1]);
        Assert.Equal([1], p.MentorPreferences[0]);
        Assert.Equal([0], p.MentorPreferences[1]);
    }

    [Fact]
    public void RanksFromScoresRejectsARepeatedPair()
    {
        var ex = Assert.Throws<ArgumentException>(
            () => StableMatching.RanksFromScores(1, [1], [(0, 0, 1L), (0, 0, 2L)]));
        Assert.Equal("pairs", ex.ParamName);
    }

    [Theory]
    [InlineData("MentorCapacities")]
    [InlineData("MenteePreferences")]
    [InlineData("MentorPreferences")]
    public void MalformedProblemsAreRejectedNamingTheField(string field)
    {
        var bad = field switch
        {
            "MentorCapacities" => new StableProblem([[0]], [[0]], [-1]),
            "MenteePreferences" => new StableProblem([[1]], [[0]], [1]),
            _ => new StableProblem([[0]], [[0, 0]], [1]),
        };

        var ex = Assert.Throws<ArgumentException>(() => StableMatching.Solve(bad));
        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void CapacityCountMustMatchMentorCount()
    {
        var ex = Assert.Throws<ArgumentException>(() => StableMatching.Solve(new StableProblem([[0]], [[0]], [1, 1])));
        Assert.Equal("MentorCapacities", ex.ParamName);
    }

    [Fact]
    public void AnAssignmentOverCapacityIsRejected()
    {
        var p = new StableProblem([[0], [0]], [[0, 1]], [1]);

        var ex = Assert.Throws<ArgumentException>(() => StableMatching.FindBlockingPairs(p, [0, 0]));
        Assert.Equal("mentorOfMentee", ex.ParamName);
        Assert.Throws<ArgumentException>(() => StableMatching.FindBlockingPairs(p, [0]));
        Assert.Throws<ArgumentException>(() => StableMatching.FindBlockingPairs(p, [0, 3]));
    }

    [Fact]
    public void LargeRandomInstanceIsStableByTheDefinition()
    {
        var random = new Random(20261125);
        const int n = 3000, m = 400;
        var menteePrefs = new int[n][];
        var applicants = Enumerable.Range(0, m).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < n; i++)
        {
            menteePrefs[i] = Enumerable.Range(0, m).OrderBy(_ => random.Next()).Take(random.Next(0, 13)).ToArray();
            foreach (var j in menteePrefs[i])
            {
                applicants[j].Add(i);
            }
        }
        var mentorPrefs = applicants
            .Select(a => a.Where(_ => random.Next(10) > 0).OrderBy(_ => random.Next()).ToArray())
            .ToArray();
        var capacities = Enumerable.Range(0, m).Select(_ => random.Next(0, 12)).ToArray();
        var p = new StableProblem(menteePrefs, mentorPrefs, capacities);

        var result = StableMatching.Solve(p);

        Assert.Empty(result.BlockingPairs);
        for (var i = 0; i < n; i++)
        {
            foreach (var j in menteePrefs[i])
            {
                Assert.False(Blocks(p, result.MentorOfMentee, i, j), $"({i}, {j}) blocks");
            }
        }
        Assert.True(result.MatchedCount > n / 2);
    }

    private static int[] WithinCapacity(StableProblem p, int[] raw)
    {
        var load = new int[p.MentorCount];
        return raw.Select(j =>
        {
            if (j < 0 || j >= p.MentorCount || load[j] >= p.MentorCapacities[j])
            {
                return -1;
            }
            load[j]++;
            return j;
        }).ToArray();
    }

    /// <summary>Position of the mentor in the mentee's list; unmatched or unlisted is worst.</summary>
    private static int MenteeRank(StableProblem p, int mentee, int mentor)
    {
        var r = mentor < 0 ? -1 : Array.IndexOf(p.MenteePreferences[mentee], mentor);
        return r < 0 ? int.MaxValue : r;
    }

    private static int MentorRank(StableProblem p, int mentor, int mentee)
    {
        var r = Array.IndexOf(p.MentorPreferences[mentor], mentee);
        return r < 0 ? int.MaxValue : r;
    }

    /// <summary>The textbook definition of a blocking pair, written as plainly as possible.</summary>
    private static bool Blocks(StableProblem p, int[] assignment, int i, int j)
    {
        var mutual = p.MenteePreferences[i].Contains(j) && p.MentorPreferences[j].Contains(i);
        if (!mutual || assignment[i] == j)
        {
            return false;
        }
        if (MenteeRank(p, i, j) >= MenteeRank(p, i, assignment[i]))
        {
            return false;
        }
        var held = Enumerable.Range(0, assignment.Length).Where(x => assignment[x] == j).ToList();
        return held.Count < p.MentorCapacities[j] || held.Any(h => MentorRank(p, j, h) > MentorRank(p, j, i));
    }

    /// <summary>Every matching of mutually acceptable pairs within capacity that has no blocking pair.</summary>
    private static List<int[]> AllStableMatchings(StableProblem p)
    {
        var found = new List<int[]>();
        var assignment = new int[p.MenteeCount];
        var load = new int[p.MentorCount];
        void Extend(int i)
        {
            if (i == p.MenteeCount)
            {
                var stable = true;
                for (var x = 0; x < p.MenteeCount && stable; x++)
                {
                    stable = p.MenteePreferences[x].All(j => !Blocks(p, assignment, x, j));
                }
                if (stable)
                {
                    found.Add((int[])assignment.Clone());
                }
                return;
            }
            assignment[i] = -1;
            Extend(i + 1);
            foreach (var j in p.MenteePreferences[i])
            {
                if (p.MentorPreferences[j].Contains(i) && load[j] < p.MentorCapacities[j])
                {
                    load[j]++;
                    assignment[i] = j;
                    Extend(i + 1);
                    load[j]--;
                }
            }
            assignment[i] = -1;
        }
        Extend(0);
        return found;
    }
}
