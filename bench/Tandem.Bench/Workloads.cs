using Google.OrTools.Graph;
using Tandem.Matching;
using Tandem.Matching.Tests;

namespace Tandem.Bench;

/// <summary>The benchmark instances of issue 3 and the OR-Tools baselines.</summary>
public static class Workloads
{
    /// <summary>A: 20,000 mentees x 5,000 mentors, capacity 4, scored from features (E: 100,000 x 20,000, capacity 5).</summary>
    public static (FeatureScorer Scorer, int[] Capacities) FeaturePool(int mentees, int mentors, int capacity, int seed = 2026)
    {
        var (es, ms, _) = SyntheticPools.Features(seed, mentees, mentors, capacity, capacity);
        return (new FeatureScorer(SyntheticPools.Criteria, es, ms), Enumerable.Repeat(capacity, mentors).ToArray());
    }

    /// <summary>C: dense n x n scores 0..10,000.</summary>
    public static DenseScoreMatrix Dense(int n, int seed = 7)
    {
        var rng = new Random(seed);
        var scores = new int[n * n];
        for (var k = 0; k < scores.Length; k++) scores[k] = rng.Next(0, 10_001);
        return new DenseScoreMatrix(n, n, scores);
    }

    /// <summary>OR-Tools min-cost flow on explicit pairs, weights score + bonus; returns the optimal weight.</summary>
    public static long OrToolsMinCostFlow(AssignmentProblem p, long bonus)
    {
        var n = p.MenteeCount;
        var m = p.MentorCount;
        var source = n + m;
        var sink = source + 1;
        var flow = new MinCostFlow();
        for (var i = 0; i < n; i++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, i, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(i, sink, 1, 0);
        }
        foreach (var e in p.Pairs)
        {
            var w = e.Score + bonus;
            if (p.Objective == MatchingObjective.MaxScore && w <= 0) continue;
            flow.AddArcWithCapacityAndUnitCost(e.Mentee, n + e.Mentor, 1, -w);
        }
        for (var j = 0; j < m; j++) flow.AddArcWithCapacityAndUnitCost(n + j, sink, p.MentorCapacities[j], 0);
        flow.SetNodeSupply(source, n);
        flow.SetNodeSupply(sink, -n);
        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException($"OR-Tools: {status}");
        return -flow.OptimalCost();
    }

    /// <summary>OR-Tools LinearSumAssignment on a dense matrix (maximising); returns the optimal score.</summary>
    public static long OrToolsLinearSumAssignment(DenseScoreMatrix matrix)
    {
        var n = matrix.MenteeCount;
        var lsa = new LinearSumAssignment();
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                lsa.AddArcWithCost(i, j, -matrix[i, j]);
        var status = lsa.Solve();
        if (status != LinearSumAssignment.Status.OPTIMAL) throw new InvalidOperationException($"OR-Tools: {status}");
        return -lsa.OptimalCost();
    }
}
