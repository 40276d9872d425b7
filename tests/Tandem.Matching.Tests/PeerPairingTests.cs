using CsCheck;
using Google.OrTools.Sat;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

public class PeerPairingTests
{
    /// <summary>
    /// Pools of up to 10 people; each possible pair gets a key: below 8 means no edge, otherwise the score is
    /// key − 12, so zero and negative scores occur too.
    /// </summary>
    private static readonly Gen<PeerPairProblem> SmallPool =
        from n in Gen.Int[0, 10]
        from keys in Gen.Int[0, 30].Array[n * (n - 1) / 2]
        select FromKeys(n, keys);

    private static PeerPairProblem FromKeys(int n, int[] keys)
    {
        var edges = new List<PeerEdge>();
        var k = 0;
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++, k++)
            {
                if (keys[k] >= 8)
                {
                    // Alternate the orientation so both (A < B) and (A > B) edges are exercised.
                    edges.Add(k % 2 == 0 ? new PeerEdge(a, b, keys[k] - 12) : new PeerEdge(b, a, keys[k] - 12));
                }
            }
        }
        return new PeerPairProblem(n, edges);
    }

    [Fact]
    public void PairingTotalEqualsBruteForceOptimumAndTheBound()
    {
        SmallPool.Sample(p =>
        {
            var result = PeerPairing.Solve(p);

            Assert.Equal(BruteForceOptimum(p), result.TotalScore);
            Assert.Equal(result.TotalScore, result.UpperBound);
            AssertValidPairing(p, result);
        }, iter: 3000);
    }

    [Fact]
    public void DenseUniformWeightsFavourBlossomsAndStillMatchBruteForce()
    {
        // Complete graphs with few distinct weights create many ties and odd cycles (blossoms).
        var gen =
            from n in Gen.Int[3, 10]
            from keys in Gen.Int[9, 14].Array[n * (n - 1) / 2]
            select FromKeys(n, keys);
        gen.Sample(p =>
        {
            var result = PeerPairing.Solve(p);
            Assert.Equal(BruteForceOptimum(p), result.TotalScore);
            Assert.True(result.IsOptimal);
        }, iter: 1000);
    }

    /// <summary>
    /// Classic hand-made cases for the blossom algorithm (nested blossoms, T-blossom expansion, relabelling),
    /// from the test suite of van Rantwijk's reference implementation; vertex 0 is isolated there.
    /// </summary>
    [Theory]
    [InlineData("1-2:8 1-3:9 2-3:10 3-4:7", 15)]
    [InlineData("1-2:8 1-3:9 2-3:10 3-4:7 1-6:5 4-5:6", 21)]
    [InlineData("1-2:9 1-3:8 2-3:10 1-4:5 4-5:4 1-6:3", 17)]
    [InlineData("1-2:9 1-3:8 2-3:10 1-4:5 4-5:3 1-6:4", 17)]
    [InlineData("1-2:9 1-3:8 2-3:10 1-4:5 4-5:3 3-6:4", 16)]
    [InlineData("1-2:9 1-3:9 2-3:10 2-4:8 3-5:8 4-5:10 5-6:6", 23)]
    [InlineData("1-2:10 1-7:10 2-3:12 3-4:20 3-5:20 4-5:25 5-6:10 6-7:10 7-8:8", 48)]
    [InlineData("1-2:8 1-3:8 2-3:10 2-4:12 3-5:12 4-5:14 4-6:12 5-7:12 6-7:14 7-8:12", 44)]
    [InlineData("1-2:23 1-5:22 1-6:15 2-3:25 3-4:22 4-5:25 4-8:14 5-7:13", 67)]
    [InlineData("1-2:19 1-3:20 1-8:8 2-3:25 2-4:18 3-5:18 4-5:13 4-7:7 5-6:7", 47)]
    [InlineData("1-2:45 1-5:45 2-3:50 3-4:45 4-5:50 1-6:30 3-9:35 4-8:35 5-7:26 9-10:5", 146)]
    [InlineData("1-2:45 1-5:45 2-3:50 3-4:45 4-5:50 1-6:30 3-9:35 4-8:26 5-7:40 9-10:5", 151)]
    [InlineData("1-2:45 1-5:45 2-3:50 3-4:45 4-5:50 1-6:30 3-9:35 4-8:28 5-7:26 9-10:5", 139)]
    [InlineData("1-2:45 1-7:45 2-3:50 3-4:45 4-5:95 4-6:94 5-6:94 6-7:50 1-8:30 3-11:35 5-9:36 7-10:26 11-12:5", 241)]
    [InlineData("1-2:40 1-3:40 2-3:60 2-4:55 3-5:55 4-5:50 1-8:15 5-7:30 7-6:10 8-10:10 4-9:30", 145)]
    public void ReferenceBlossomCasesReachTheKnownOptimum(string edges, long expected)
    {
        var parsed = edges.Split(' ').Select(s =>
        {
            var parts = s.Split(':', '-');
            return new PeerEdge(int.Parse(parts[0]), int.Parse(parts[1]), long.Parse(parts[2]));
        }).ToList();
        var p = new PeerPairProblem(parsed.Max(e => Math.Max(e.A, e.B)) + 1, parsed);

        var result = PeerPairing.Solve(p);

        Assert.Equal(expected, result.TotalScore);
        Assert.Equal(expected, BruteForceOptimum(p));
        Assert.True(result.IsOptimal);
    }

    [Fact]
    public void MediumRandomPoolsMatchOrToolsCpSat()
    {
        var random = new Random(7);
        for (var round = 0; round < 3; round++)
        {
            var n = 60 + 20 * round;
            var edges = RandomEdges(random, n, 5 * n, maxScore: 1000);
            var p = new PeerPairProblem(n, edges);

            var result = PeerPairing.Solve(p);

            Assert.Equal(CpSatOptimum(p), result.TotalScore);
            Assert.True(result.IsOptimal);
            AssertValidPairing(p, result);
        }
    }

    [Fact]
    public void LargeSparsePoolIsProvenOptimal()
    {
        var random = new Random(11);
        const int n = 2_500;
        var p = new PeerPairProblem(n, RandomEdges(random, n, 6 * n, maxScore: 100));

        var result = PeerPairing.Solve(p);

        Assert.True(result.IsOptimal);
        AssertValidPairing(p, result);
        Assert.True(result.Pairs.Count > n / 3);
    }

    [Fact]
    public void NonPositiveEdgesAreNeverTaken()
    {
        var p = new PeerPairProblem(4, [new PeerEdge(0, 1, 0), new PeerEdge(2, 3, -5), new PeerEdge(1, 2, 3)]);

        var result = PeerPairing.Solve(p);

        Assert.Equal([new PeerEdge(1, 2, 3)], result.Pairs);
        Assert.Equal(3, result.UpperBound);
    }

    [Fact]
    public void EmptyPoolHasNothingToPair()
    {
        var result = PeerPairing.Solve(new PeerPairProblem(0, []));

        Assert.Empty(result.Pairs);
        Assert.Equal(0, result.TotalScore);
        Assert.Equal(0, result.UpperBound);
    }

    [Theory]
    [InlineData(-1, 0, 1, 1, "PeopleCount")]
    [InlineData(3, 0, 3, 1, "Edges")]
    [InlineData(3, 1, 1, 1, "Edges")]
    [InlineData(3, 0, 1, long.MaxValue, "Edges")]
    public void MalformedPoolsAreRejectedNamingTheField(int people, int a, int b, long score, string field)
    {
        var p = new PeerPairProblem(people, [new PeerEdge(a, b, score)]);

        var ex = Assert.Throws<ArgumentException>(() => PeerPairing.Solve(p));
        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void APairListedTwiceIsRejected()
    {
        var p = new PeerPairProblem(2, [new PeerEdge(0, 1, 1), new PeerEdge(1, 0, 2)]);

        var ex = Assert.Throws<ArgumentException>(() => PeerPairing.Solve(p));
        Assert.Equal("Edges", ex.ParamName);
    }

    private static List<PeerEdge> RandomEdges(Random random, int n, int count, int maxScore)
    {
        var seen = new HashSet<(int, int)>();
        var edges = new List<PeerEdge>();
        while (edges.Count < count)
        {
            var a = random.Next(n);
            var b = random.Next(n);
            if (a != b && seen.Add((Math.Min(a, b), Math.Max(a, b))))
            {
                edges.Add(new PeerEdge(a, b, random.Next(-maxScore / 10, maxScore + 1)));
            }
        }
        return edges;
    }

    private static void AssertValidPairing(PeerPairProblem p, PeerPairResult result)
    {
        var used = new bool[p.PeopleCount];
        foreach (var e in result.Pairs)
        {
            Assert.Contains(e, p.Edges);
            Assert.True(e.Score > 0);
            Assert.False(used[e.A] || used[e.B], "a person is paired twice");
            used[e.A] = used[e.B] = true;
        }
        Assert.Equal(result.Pairs.Sum(e => e.Score), result.TotalScore);
    }

    /// <summary>Best total over all matchings, by memoised search over subsets of still-available people.</summary>
    private static long BruteForceOptimum(PeerPairProblem p)
    {
        var n = p.PeopleCount;
        var w = new long?[n, n];
        foreach (var e in p.Edges)
        {
            w[e.A, e.B] = w[e.B, e.A] = e.Score;
        }
        var memo = new Dictionary<int, long>();
        long Best(int mask)
        {
            if (mask == 0)
            {
                return 0;
            }
            if (memo.TryGetValue(mask, out var known))
            {
                return known;
            }
            var v = System.Numerics.BitOperations.TrailingZeroCount(mask);
            var rest = mask & ~(1 << v);
            var best = Best(rest);
            for (var u = v + 1; u < n; u++)
            {
                if ((rest & (1 << u)) != 0 && w[v, u] is long score)
                {
                    best = Math.Max(best, score + Best(rest & ~(1 << u)));
                }
            }
            return memo[mask] = best;
        }
        return Best((1 << n) - 1);
    }

    private static long CpSatOptimum(PeerPairProblem p)
    {
        var model = new CpModel();
        var take = p.Edges.Select((e, k) => model.NewBoolVar($"e{k}")).ToArray();
        for (var person = 0; person < p.PeopleCount; person++)
        {
            var touching = p.Edges.Select((e, k) => (e, k)).Where(x => x.e.A == person || x.e.B == person)
                .Select(x => take[x.k]).ToArray();
            if (touching.Length > 1)
            {
                model.AddAtMostOne(touching);
            }
        }
        model.Maximize(LinearExpr.WeightedSum(take, p.Edges.Select(e => e.Score)));
        var solver = new CpSolver { StringParameters = "num_workers:2" };
        Assert.Equal(CpSolverStatus.Optimal, solver.Solve(model));
        return (long)Math.Round(solver.ObjectiveValue);
    }
}
