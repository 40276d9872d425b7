using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>The exact solver continued from an optimum of a subgraph after edges are added (the pool solver's later rounds).</summary>
public class WarmStartTests
{
    [Fact]
    public void WarmStartAfterAddingEdgesReachesTheBruteForceOptimumWithValidDuals()
    {
        var loweredSomewhere = 0;
        var gen = from x in Instances.Small(7, 4) from keep in Gen.Int[0, 1].Array[x.N * x.M] select (x, keep);
        gen.Sample(t =>
        {
            var x = t.x with { Locks = [] };
            var bonus = x.Objective == MatchingObjective.MaxScore ? 0 : 1000;
            var before = Build(x, bonus, (i, j) => t.keep[i * x.M + j] == 1);
            before.Run();
            var after = Build(x, bonus, (_, _) => true);
            after.WarmStart(before.MentorOf, before.MenteeDuals, before.MentorDuals);
            if (after.MentorsLowered.Count > 0) Interlocked.Increment(ref loweredSomewhere);

            // Feasible assignment, duals feasible on every allowed pair, complementary slackness.
            var u = after.MenteeDuals;
            var v = after.MentorDuals;
            var load = new int[x.M];
            long weight = 0;
            var matched = 0;
            for (var i = 0; i < x.N; i++)
            {
                Assert.True(u[i] >= 0);
                var j = after.MentorOf[i];
                for (var k = 0; k < x.M; k++)
                    if (x.Score(i, k) is { } s && s + bonus > 0) Assert.True(u[i] + v[k] >= s + bonus, $"pair ({i},{k}) violates the duals");
                if (j < 0) { Assert.Equal(0, u[i]); continue; }
                var w = x.Score(i, j)!.Value + bonus;
                Assert.Equal(w, u[i] + v[j]);
                load[j]++;
                weight += w;
                matched++;
            }
            for (var j = 0; j < x.M; j++)
            {
                Assert.True(v[j] >= 0 && load[j] <= x.Caps[j]);
                if (load[j] < x.Caps[j]) Assert.Equal(0, v[j]);
            }
            var best = BruteForce.Best(x);
            BruteForce.AssertSameOptimum(x.Objective, best, (matched, weight - (long)matched * bonus));
        }, iter: 6000, print: t => t.x.ToString());
        Assert.True(loweredSomewhere > 0, "no sample exercised the mentor-side price lowering");
    }

    private static SparseAssignmentSolver Build(SmallInstance x, long bonus, Func<int, int, bool> include)
    {
        var start = new int[x.N + 1];
        var adj = new List<int>();
        var w = new List<long>();
        for (var i = 0; i < x.N; i++)
        {
            for (var j = 0; j < x.M; j++)
                if (x.Score(i, j) is { } s && s + bonus > 0 && include(i, j)) { adj.Add(j); w.Add(s + bonus); }
            start[i + 1] = adj.Count;
        }
        return new SparseAssignmentSolver(x.N, x.Caps, start, adj.ToArray(), w.ToArray());
    }
}
