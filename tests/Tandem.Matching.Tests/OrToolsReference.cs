using Google.OrTools.Graph;
using Tandem.Matching;

namespace Tandem.Matching.Tests;

/// <summary>Google OR-Tools as the reference optimum (test-only dependency).</summary>
public static class OrToolsReference
{
    /// <summary>
    /// Maximum total weight (score + bonus) of a capacitated assignment by OR-Tools' min-cost flow,
    /// with the same weights as the engine's certificate; returns (weight, matched, score).
    /// </summary>
    public static (long Weight, int Matched, long Score) MaxWeight(int menteeCount, int[] capacities, IEnumerable<ScoredPair> pairs, long bonus, MatchingObjective objective)
    {
        var m = capacities.Length;
        var source = menteeCount + m;
        var sink = source + 1;
        var flow = new MinCostFlow();
        for (var i = 0; i < menteeCount; i++)
        {
            flow.AddArcWithCapacityAndUnitCost(source, i, 1, 0);
            flow.AddArcWithCapacityAndUnitCost(i, sink, 1, 0); // unmatched
        }
        var arcs = new List<(int Arc, ScoredPair Pair)>();
        foreach (var p in pairs)
        {
            var weight = p.Score + bonus;
            if (objective == MatchingObjective.MaxScore && weight <= 0) continue;
            arcs.Add((flow.AddArcWithCapacityAndUnitCost(p.Mentee, menteeCount + p.Mentor, 1, -weight), p));
        }
        for (var j = 0; j < m; j++) flow.AddArcWithCapacityAndUnitCost(menteeCount + j, sink, capacities[j], 0);
        flow.SetNodeSupply(source, menteeCount);
        flow.SetNodeSupply(sink, -menteeCount);
        var status = flow.Solve();
        if (status != MinCostFlowBase.Status.OPTIMAL) throw new InvalidOperationException($"OR-Tools: {status}");
        int matched = 0;
        long score = 0;
        foreach (var (arc, p) in arcs)
            if (flow.Flow(arc) > 0) { matched++; score += p.Score; }
        return (-flow.OptimalCost(), matched, score);
    }

    /// <summary>Maximum-score perfect assignment of a dense square matrix by OR-Tools' LinearSumAssignment.</summary>
    public static long MaxAssignment(DenseScoreMatrix matrix)
    {
        var n = matrix.MenteeCount;
        var lsa = new LinearSumAssignment();
        for (var i = 0; i < n; i++)
            for (var j = 0; j < matrix.MentorCount; j++)
                if (matrix[i, j] != PairScores.Forbidden) lsa.AddArcWithCost(i, j, -matrix[i, j]);
        var status = lsa.Solve();
        if (status != LinearSumAssignment.Status.OPTIMAL) throw new InvalidOperationException($"OR-Tools: {status}");
        return -lsa.OptimalCost();
    }
}
