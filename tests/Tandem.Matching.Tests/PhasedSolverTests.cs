using CsCheck;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>
/// The exact solver's phases (one multi-source search, then augmentations along tight paths) against
/// its one-search-per-mentee path, on instances too large for brute force: tight pools with many equal
/// scores, zero capacities, both objectives, cold and warm starts.
/// </summary>
public class PhasedSolverTests
{
    private sealed record Graph(int N, int[] Caps, int[] Start, int[] Adj, long[] W)
    {
        public override string ToString() =>
            $"n={N} caps=[{string.Join(",", Caps)}] edges=[{string.Join(" ", Enumerable.Range(0, N).SelectMany(i => Enumerable.Range(Start[i], Start[i + 1] - Start[i]).Select(e => $"{i}-{Adj[e]}:{W[e]}")))}]";
    }

    /// <summary>Random sparse graphs; a large bonus stands for max-matched-then-score, 0 for max-score with negative scores dropped.</summary>
    private static readonly Gen<(Graph Full, bool[] Keep)> Graphs =
        from n in Gen.Int[1, 80]
        from m in Gen.Int[1, 25]
        from caps in Gen.Int[0, 5].Array[m]
        from degree in Gen.Int[1, 8]
        from picks in Gen.Int[0, m - 1].Array[n * degree]
        from scores in Gen.Int[-3, 6].Array[n * degree]
        from keep in Gen.Int[0, 2].Array[n * degree]
        from maxMatched in Gen.Bool
        select Build(n, caps, degree, picks, scores, keep, maxMatched);

    /// <summary>Scores spread widely, so that distances rarely tie and each phase places about one mentee.</summary>
    private static readonly Gen<(Graph Full, bool[] Keep)> WideGraphs =
        from n in Gen.Int[1, 80]
        from m in Gen.Int[1, 25]
        from caps in Gen.Int[0, 3].Array[m]
        from degree in Gen.Int[1, 6]
        from picks in Gen.Int[0, m - 1].Array[n * degree]
        from scores in Gen.Int[-1_000, 1_000_000].Array[n * degree]
        from keep in Gen.Int[0, 2].Array[n * degree]
        from maxMatched in Gen.Bool
        select Build(n, caps, degree, picks, scores, keep, maxMatched);

    [Fact]
    public void PhasesFallingBackToOneSearchEachReachTheSameOptimum()
    {
        // Every phase counts as poor here, so phases and batches of single searches alternate.
        WideGraphs.Sample(t =>
        {
            var g = t.Full;
            var sub = Subgraph(g, t.Keep);
            var cold = Solver(g, single: false, hybrid: true);
            cold.Run();
            var reference = Solver(g, single: true);
            reference.Run();
            Assert.Equal(CheckInvariants(g, reference), CheckInvariants(g, cold));

            AssertWarmStartAgrees(g, sub, hybrid: true);
        }, iter: 3000, print: t => t.Full.ToString());
    }

    [Fact]
    public void WideScoresDoNotMakeThePhasesQuadratic()
    {
        // 20,000 mentees with ten random pairs each and widely spread scores, 1,000 places: each phase
        // would place about one mentee after rescanning all the others (seconds); one search each takes
        // milliseconds, and the phases must hand over to them.
        var rng = new Random(5);
        var n = 20_000;
        var caps = Enumerable.Repeat(1, 1_000).ToArray();
        var g = RandomGraph(n, caps, () => Enumerable.Range(0, 10).Select(_ => rng.Next(1_000)), () => 1 + rng.Next(1_000_000));
        var phased = Solver(g, single: false);
        phased.Run();
        var reference = Solver(g, single: true);
        reference.Run();
        Assert.Equal(CheckInvariants(g, reference), CheckInvariants(g, phased));
        Assert.True(phased.Phases < 100, $"{phased.Phases} phases");
    }

    private static (Graph, bool[]) Build(int n, int[] caps, int degree, int[] picks, int[] scores, int[] keep, bool maxMatched)
    {
        var bonus = maxMatched ? 1000L : 0L;
        var start = new int[n + 1];
        var adj = new List<int>();
        var w = new List<long>();
        var kept = new List<bool>();
        for (var i = 0; i < n; i++)
        {
            var seen = new HashSet<int>();
            for (var d = 0; d < degree; d++)
            {
                var j = picks[i * degree + d];
                var weight = scores[i * degree + d] + bonus;
                if (weight <= 0 || !seen.Add(j)) continue;
                adj.Add(j);
                w.Add(weight);
                kept.Add(keep[i * degree + d] > 0);
            }
            start[i + 1] = adj.Count;
        }
        return (new Graph(n, caps, start, adj.ToArray(), w.ToArray()), kept.ToArray());
    }

    [Fact]
    public void PhasesReachTheSameOptimumAsOneSearchPerMentee()
    {
        Graphs.Sample(t =>
        {
            var g = t.Full;
            var phased = Solver(g, single: false);
            phased.Run();
            var reference = Solver(g, single: true);
            reference.Run();
            // Equal weights (with the bonus, equal numbers matched too; under max-score ties may differ in count).
            Assert.Equal(CheckInvariants(g, reference), CheckInvariants(g, phased));
        }, iter: 3000, print: t => t.Full.ToString());
    }

    [Fact]
    public void WarmStartInPhasesReachesTheSameOptimumAsOneSearchPerMentee()
    {
        Graphs.Sample(t =>
        {
            AssertWarmStartAgrees(t.Full, Subgraph(t.Full, t.Keep), hybrid: false);
        }, iter: 3000, print: t => t.Full.ToString());
    }

    [Fact]
    public void PhasesSolveATightPoolWithManyTiesInFewSearches()
    {
        // 600 mentees, 150 mentors of capacity 4 (every place needed), scores 0..3: many equal paths.
        var rng = new Random(11);
        var n = 600;
        var caps = Enumerable.Repeat(4, 150).ToArray();
        var g = RandomGraph(n, caps, () => Enumerable.Range(0, 150).OrderBy(_ => rng.Next()).Take(6), () => 10_000 + rng.Next(0, 4));
        var phased = Solver(g, single: false);
        phased.Run();
        var reference = Solver(g, single: true);
        reference.Run();
        Assert.Equal(CheckInvariants(g, reference), CheckInvariants(g, phased));
        Assert.True(phased.Searches < reference.Searches, $"{phased.Searches} phased searches, {reference.Searches} single");
    }

    /// <summary>
    /// Solves the kept edges, then continues on all edges in phases and with one search per mentee: the same optimum,
    /// and only mentees and mentors recorded as lowered may have gone down.
    /// </summary>
    private static void AssertWarmStartAgrees(Graph g, Graph sub, bool hybrid)
    {
        var before = Solver(sub, single: false, hybrid);
        before.Run();
        CheckInvariants(sub, before);
        var warm = Solver(g, single: false, hybrid);
        warm.WarmStart(before.MentorOf, before.MenteeDuals, before.MentorDuals);
        var reference = Solver(g, single: true);
        reference.WarmStart(before.MentorOf, before.MenteeDuals, before.MentorDuals);
        Assert.Equal(CheckInvariants(g, reference), CheckInvariants(g, warm));
        for (var i = 0; i < g.N; i++)
            if (warm.MenteeDuals[i] < before.MenteeDuals[i]) Assert.Contains(i, warm.MenteesLowered);
        for (var j = 0; j < g.Caps.Length; j++)
            if (warm.MentorDuals[j] < before.MentorDuals[j]) Assert.Contains(j, warm.MentorsLowered);
    }

    /// <summary>A random graph: each mentee's mentors (duplicates dropped) and a weight for each edge.</summary>
    private static Graph RandomGraph(int n, int[] caps, Func<IEnumerable<int>> mentors, Func<long> weight)
    {
        var start = new int[n + 1];
        var adj = new List<int>();
        var w = new List<long>();
        for (var i = 0; i < n; i++)
        {
            foreach (var j in mentors().Distinct())
            {
                adj.Add(j);
                w.Add(weight());
            }
            start[i + 1] = adj.Count;
        }
        return new Graph(n, caps, start, adj.ToArray(), w.ToArray());
    }

    private static SparseAssignmentSolver Solver(Graph g, bool single, bool hybrid = false) =>
        hybrid
            ? new(g.N, g.Caps, g.Start, g.Adj, g.W) { PoorPhaseShare = 1, PoorPhasesBeforeSearches = 1 }
            : new(g.N, g.Caps, g.Start, g.Adj, g.W) { SingleSearches = single };

    private static Graph Subgraph(Graph g, bool[] keep)
    {
        var start = new int[g.N + 1];
        var adj = new List<int>();
        var w = new List<long>();
        for (var i = 0; i < g.N; i++)
        {
            for (var e = g.Start[i]; e < g.Start[i + 1]; e++)
                if (keep[e]) { adj.Add(g.Adj[e]); w.Add(g.W[e]); }
            start[i + 1] = adj.Count;
        }
        return g with { Start = start, Adj = adj.ToArray(), W = w.ToArray() };
    }

    /// <summary>Checks every invariant of the certificate on every edge; returns the assignment's weight (which equals the dual value).</summary>
    private static long CheckInvariants(Graph g, SparseAssignmentSolver s)
    {
        var u = s.MenteeDuals;
        var v = s.MentorDuals;
        var load = new int[g.Caps.Length];
        long weight = 0;
        for (var i = 0; i < g.N; i++)
        {
            Assert.True(u[i] >= 0, $"u[{i}] < 0");
            var j = s.MentorOf[i];
            var found = j < 0;
            for (var e = g.Start[i]; e < g.Start[i + 1]; e++)
            {
                Assert.True(u[i] + v[g.Adj[e]] >= g.W[e], $"edge ({i},{g.Adj[e]}) violates the duals");
                if (g.Adj[e] != j) continue;
                Assert.Equal(g.W[e], u[i] + v[j]);
                weight += g.W[e];
                found = true;
            }
            Assert.True(found, $"mentee {i} assigned along a missing edge");
            if (j < 0) Assert.Equal(0, u[i]);
            else load[j]++;
        }
        long dual = u.Sum();
        for (var j = 0; j < g.Caps.Length; j++)
        {
            Assert.True(v[j] >= 0 && load[j] <= g.Caps[j]);
            Assert.Equal(load[j], s.Load[j]);
            if (load[j] < g.Caps[j]) Assert.Equal(0, v[j]);
            dual += v[j] * g.Caps[j];
        }
        Assert.Equal(weight, dual);
        return weight;
    }
}
