using System.Runtime.CompilerServices;

namespace Tandem.Matching;

/// <summary>
/// An explicit problem's allowed pairs grouped by mentee (compressed rows): the pairs of mentee i are
/// <c>Mentor[RowStart[i]..RowStart[i+1]]</c> with their scores. The form the exact solver works on, so
/// a reader that fills it directly (the problem JSON) hands over 1.2 million pairs without copies.
/// </summary>
internal sealed class ExplicitRows(int menteeCount, int[] capacities, int[] rowStart, int[] mentor, long[] score)
{
    public int MenteeCount { get; } = menteeCount;
    public int[] Capacities { get; } = capacities;
    public int[] RowStart { get; } = rowStart;
    public int[] Mentor { get; } = mentor;
    public long[] Score { get; } = score;
    public int PairCount => RowStart[MenteeCount];

    /// <summary>Groups pairs by mentee, keeping their order within each mentee (a counting sort).</summary>
    public static ExplicitRows FromPairs(int n, int[] caps, IReadOnlyList<ScoredPair> pairs)
    {
        var m = caps.Length;
        var rowStart = new int[n + 1];
        foreach (var p in pairs)
        {
            if ((uint)p.Mentee >= (uint)n) throw new ArgumentException($"Pair ({p.Mentee}, {p.Mentor}): mentee index out of range.", "problem");
            if ((uint)p.Mentor >= (uint)m) throw new ArgumentException($"Pair ({p.Mentee}, {p.Mentor}): mentor index out of range.", "problem");
            if (p.Score > OptimalAssignment.MaxExplicitScore || p.Score < -OptimalAssignment.MaxExplicitScore)
                throw new ArgumentException($"Pair ({p.Mentee}, {p.Mentor}): score magnitude above 2^40.", "problem");
            rowStart[p.Mentee + 1]++;
        }
        for (var i = 0; i < n; i++) rowStart[i + 1] += rowStart[i];
        var mentor = new int[pairs.Count];
        var score = new long[pairs.Count];
        var fill = rowStart[..n];
        foreach (var p in pairs)
        {
            var at = fill[p.Mentee]++;
            mentor[at] = p.Mentor;
            score[at] = p.Score;
        }
        return new ExplicitRows(n, caps, rowStart, mentor, score);
    }

    /// <summary>The first mentee whose row lists a mentor twice, with that mentor; (-1, -1) when none does.</summary>
    public (int Mentee, int Mentor) FirstRepeatedPair()
    {
        var stamp = new int[Capacities.Length];
        for (var i = 0; i < MenteeCount; i++)
            for (var e = RowStart[i]; e < RowStart[i + 1]; e++)
            {
                if (stamp[Mentor[e]] == i + 1) return (i, Mentor[e]);
                stamp[Mentor[e]] = i + 1;
            }
        return (-1, -1);
    }

    /// <summary>The score of pair (i, j), or <see cref="long.MinValue"/> when the pair is not listed.</summary>
    public long ScoreOf(int i, int j)
    {
        for (var e = RowStart[i]; e < RowStart[i + 1]; e++) if (Mentor[e] == j) return Score[e];
        return long.MinValue;
    }

    /// <summary>
    /// Solves the problem exactly and verifies the certificate on every listed pair. The rows must
    /// hold no repeated pair and in-range indices and scores (<see cref="FromPairs"/> and the JSON
    /// reader check them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public AssignmentResult Solve(MatchingObjective objective, IReadOnlyList<MenteeMentor>? lockedPairs)
    {
        var n = MenteeCount;
        var caps = Capacities;
        var locks = OptimalAssignment.ApplyLocks(n, caps, lockedPairs, (i, j) => ScoreOf(i, j) != long.MinValue);

        long smin = long.MaxValue, smax = long.MinValue;
        for (var i = 0; i < n; i++)
        {
            if (locks.MentorOf[i] >= 0) continue;
            for (var e = RowStart[i]; e < RowStart[i + 1]; e++)
            {
                smin = Math.Min(smin, Score[e]);
                smax = Math.Max(smax, Score[e]);
            }
        }
        var bonus = OptimalAssignment.CardinalityBonus(objective, smin, smax, n, locks.Residual);

        // Working graph: all pairs of free mentees, weight = score + bonus; max-score drops pairs that
        // cannot help. With no locks and nothing dropped (max-matched-then-score always keeps every
        // pair) the rows are the working graph as they are: the weights are written over the scores
        // and the scores restored at the end, so a large problem touches no second copy of its pairs.
        var pairCount = PairCount;
        var keepAll = lockedPairs is not { Count: > 0 };
        if (keepAll)
            for (var e = 0; e < pairCount && keepAll; e++) keepAll = Score[e] + bonus > 0;
        if (!keepAll) return SolveOn(Compacted(locks, bonus), locks, bonus, pairCount);
        for (var e = 0; e < pairCount; e++) Score[e] += bonus;
        try
        {
            return SolveOn(new ExplicitRows(n, locks.Residual, RowStart, Mentor, Score), locks, bonus, pairCount);
        }
        finally
        {
            for (var e = 0; e < pairCount; e++) Score[e] -= bonus;
        }
    }

    /// <summary>The working graph when locked mentees' rows or unhelpful pairs are left out: weights in new arrays.</summary>
    private ExplicitRows Compacted(OptimalAssignment.Locks locks, long bonus)
    {
        var n = MenteeCount;
        var start = new int[n + 1];
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            if (locks.MentorOf[i] < 0)
                for (var e = RowStart[i]; e < RowStart[i + 1]; e++) if (Score[e] + bonus > 0) count++;
            start[i + 1] = count;
        }
        var adj = new int[count];
        var w = new long[count];
        var at = 0;
        for (var i = 0; i < n; i++)
        {
            if (locks.MentorOf[i] >= 0) continue;
            for (var e = RowStart[i]; e < RowStart[i + 1]; e++)
            {
                var weight = Score[e] + bonus;
                if (weight <= 0) continue;
                adj[at] = Mentor[e];
                w[at++] = weight;
            }
        }
        return new ExplicitRows(n, locks.Residual, start, adj, w);
    }

    /// <summary>
    /// Solves the working graph (weights in its <see cref="Score"/>), then checks the certificate on every
    /// listed pair of this problem, whose weights are its scores plus the bonus, or already are its scores
    /// when the working graph is these rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private AssignmentResult SolveOn(ExplicitRows working, OptimalAssignment.Locks locks, long bonus, int pairCount)
    {
        var n = MenteeCount;
        var m = Capacities.Length;
        var inPlace = ReferenceEquals(working.Score, Score);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var solver = new SparseAssignmentSolver(n, locks.Residual, working.RowStart, working.Mentor, working.Score);
        solver.Run();
        PoolSolver.Trace?.Invoke($"explicit: solve {clock.Elapsed.TotalMilliseconds:F0} ms, {working.PairCount:N0} pairs, {solver.Searches} searches in {solver.Phases} phases");
        var u = solver.MenteeDuals;
        var v = solver.MentorDuals;

        // Certificate: every listed pair of a free mentee, one by one.
        var feasible = OptimalAssignment.CheckStructure(solver, locks, n, m, out _);
        var add = inPlace ? 0 : bonus;
        for (var i = 0; i < n && feasible; i++)
        {
            if (locks.MentorOf[i] >= 0) continue;
            var ui = u[i];
            for (var e = RowStart[i]; e < RowStart[i + 1]; e++)
                if (ui + v[Mentor[e]] < Score[e] + add) { feasible = false; break; }
        }
        if (!feasible) throw new InvalidOperationException("Internal error: the assignment's optimality certificate does not hold.");

        var sub = inPlace ? bonus : 0;
        return OptimalAssignment.Assemble(solver, locks, bonus, n, (i, j) => ScoreOf(i, j) - sub,
            new SolveStatistics(pairCount, working.PairCount, 1, pairCount));
    }
}
