namespace Tandem.Matching;

/// <summary>
/// A pool whose pair scores come from a <see cref="IPairScoreSource"/> (for example participant
/// features): every pair is considered, but only promising ones enter the exact solver's working
/// graph; the certificate is then checked against all allowed pairs.
/// </summary>
/// <param name="Scores">Scores of every pair; forbidden pairs marked by the source.</param>
/// <param name="MentorCapacities">Capacity of each mentor; length must equal <see cref="IPairScoreSource.MentorCount"/>.</param>
/// <param name="Objective">What to maximise.</param>
/// <param name="LockedPairs">Pairs fixed by the coordinator; each must be allowed by the source.</param>
/// <param name="ForbiddenPairs">Extra pairs forbidden by the coordinator on top of the source's hard rules.</param>
public sealed record PoolProblem(
    IPairScoreSource Scores,
    int[] MentorCapacities,
    MatchingObjective Objective = MatchingObjective.MaxMatchedThenScore,
    IReadOnlyList<MenteeMentor>? LockedPairs = null,
    IReadOnlyList<MenteeMentor>? ForbiddenPairs = null);

/// <summary>Tuning of <see cref="OptimalAssignment.Solve(PoolProblem, PoolSolveOptions?)"/>; none of it changes the answer's optimality.</summary>
/// <param name="CandidatesPerMentee">Best mentors of each mentee put in the working graph.</param>
/// <param name="CandidatesPerMentor">Best mentees of each mentor put in the working graph (0: twice the capacity plus 4).</param>
/// <param name="ExhaustiveCheck">Compare every allowed pair one by one with the duals instead of using per-mentee bounds first.</param>
/// <param name="MaxDegreeOfParallelism">Threads used for scoring (0: one per processor).</param>
public sealed record PoolSolveOptions(
    int CandidatesPerMentee = 6,
    int CandidatesPerMentor = 0,
    bool ExhaustiveCheck = false,
    int MaxDegreeOfParallelism = 0);

/// <summary>Exact optimal assignment of mentees to mentors, with a verified certificate.</summary>
public static class OptimalAssignment
{
    /// <summary>Largest score magnitude accepted in an explicit problem (2^40).</summary>
    public const long MaxExplicitScore = 1L << 40;

    /// <summary>Solves a problem given by its explicit list of allowed pairs.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns>An optimal assignment whose certificate has been verified against every listed pair.</returns>
    /// <exception cref="ArgumentException">The problem is inconsistent (index out of range, duplicate pair, bad lock, scores too large).</exception>
    public static AssignmentResult Solve(AssignmentProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var n = problem.MenteeCount;
        var caps = problem.MentorCapacities ?? throw new ArgumentException("Mentor capacities are required.", nameof(problem));
        var m = caps.Length;
        if (n < 0) throw new ArgumentException("The number of mentees cannot be negative.", nameof(problem));
        for (var j = 0; j < m; j++)
            if (caps[j] < 0) throw new ArgumentException($"Mentor {j} has a negative capacity.", nameof(problem));

        var rows = ExplicitRows.FromPairs(n, caps, problem.Pairs ?? []);
        var (mentee, mentor) = rows.FirstRepeatedPair();
        if (mentee >= 0) throw new ArgumentException($"Pair ({mentee}, {mentor}) is listed twice.", nameof(problem));
        if (problem.Objective == MatchingObjective.MaxMinThenScore) return FairAssignment.Solve(rows, problem.LockedPairs);
        return rows.Solve(problem.Objective, problem.LockedPairs);
    }

    /// <summary>
    /// Solves a pool whose scores come from a score source: scores every pair (in parallel), keeps
    /// the best candidates of each mentee and of each mentor as the working graph, solves it exactly,
    /// and checks the duals against every allowed pair; pruned pairs that violate them are added and
    /// the working graph solved again, until the certificate holds.
    /// </summary>
    /// <param name="problem">The pool.</param>
    /// <param name="options">Tuning; defaults suit pools up to 10^9 pairs.</param>
    /// <returns>An optimal assignment with a verified certificate.</returns>
    /// <exception cref="ArgumentException">The problem is inconsistent.</exception>
    public static AssignmentResult Solve(PoolProblem problem, PoolSolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Objective == MatchingObjective.MaxMinThenScore) return FairAssignment.Solve(problem, options ?? new PoolSolveOptions());
        return new PoolSolver(problem, options ?? new PoolSolveOptions()).Run();
    }

    /// <summary>
    /// The working graph the pool solver starts from (each mentee's best mentors and each mentor's best
    /// mentees, plus locked pairs), as an explicit problem. Solving it alone gives an optimum of the
    /// pruned graph only; <see cref="Solve(PoolProblem, PoolSolveOptions?)"/> goes on to certify against all pairs.
    /// </summary>
    /// <param name="problem">The pool.</param>
    /// <param name="options">Tuning, as for solving.</param>
    /// <returns>The candidate pairs with their scores.</returns>
    public static AssignmentProblem CandidatePairs(PoolProblem problem, PoolSolveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new PoolSolver(problem, options ?? new PoolSolveOptions()).CandidateProblem();
    }

    internal readonly record struct Locks(int[] MentorOf, int[] Residual);

    internal static Locks ApplyLocks(int n, int[] caps, IReadOnlyList<MenteeMentor>? locked, Func<int, int, bool> allowed)
    {
        var mentorOf = new int[n];
        Array.Fill(mentorOf, -1);
        var residual = (int[])caps.Clone();
        foreach (var l in locked ?? [])
        {
            if ((uint)l.Mentee >= (uint)n || (uint)l.Mentor >= (uint)caps.Length)
                throw new ArgumentException($"Locked pair ({l.Mentee}, {l.Mentor}): index out of range.");
            if (mentorOf[l.Mentee] >= 0) throw new ArgumentException($"Mentee {l.Mentee} is locked more than once.");
            if (!allowed(l.Mentee, l.Mentor)) throw new ArgumentException($"Locked pair ({l.Mentee}, {l.Mentor}) is not an allowed pair.");
            if (--residual[l.Mentor] < 0) throw new ArgumentException($"Mentor {l.Mentor} has more locked mentees than capacity.");
            mentorOf[l.Mentee] = l.Mentor;
        }
        return new Locks(mentorOf, residual);
    }

    /// <summary>
    /// The bonus K added to every weight so that a matching with one more pair always weighs more:
    /// K = (smax - smin) * T + max(0, -smin) + 1 with T the largest possible number of pairs.
    /// </summary>
    internal static long CardinalityBonus(MatchingObjective objective, long smin, long smax, int n, int[] residual)
    {
        if (objective == MatchingObjective.MaxScore || smin > smax) return 0;
        long capSum = 0;
        foreach (var c in residual) capSum += c;
        long t = Math.Min(n, capSum);
        Int128 k = (Int128)(smax - smin) * t + Math.Max(0, -smin) + 1;
        var maxWeight = k + smax;
        if (maxWeight * (n + capSum + 2) >= long.MaxValue / 4)
            throw new ArgumentException("Scores are too large for max-matched-then-score on a pool of this size.");
        return (long)k;
    }

    internal static bool CheckStructure(SparseAssignmentSolver solver, Locks locks, int n, int m, out long vmin)
    {
        var u = solver.MenteeDuals;
        var v = solver.MentorDuals;
        var load = solver.Load;
        vmin = long.MaxValue;
        for (var j = 0; j < m; j++)
        {
            if (v[j] < 0) return false;
            if (load[j] < locks.Residual[j] && v[j] != 0) return false;
            if (load[j] > locks.Residual[j]) return false;
            vmin = Math.Min(vmin, v[j]);
        }
        if (m == 0) vmin = 0;
        for (var i = 0; i < n; i++)
        {
            if (u[i] < 0) return false;
            if (locks.MentorOf[i] >= 0 && (u[i] != 0 || solver.MentorOf[i] >= 0)) return false;
            if (locks.MentorOf[i] < 0 && solver.MentorOf[i] < 0 && u[i] != 0) return false;
        }
        return true;
    }

    internal static AssignmentResult Assemble(SparseAssignmentSolver solver, Locks locks, long bonus, int n, Func<int, int, long> scoreOf, SolveStatistics stats)
    {
        var u = solver.MenteeDuals;
        var v = solver.MentorDuals;
        var mentorOf = new int[n];
        var scoreOfMentee = new long[n];
        long total = 0, primal = 0;
        var matched = 0;
        for (var i = 0; i < n; i++)
        {
            var j = locks.MentorOf[i] >= 0 ? locks.MentorOf[i] : solver.MentorOf[i];
            mentorOf[i] = j;
            if (j < 0) continue;
            var s = scoreOf(i, j);
            scoreOfMentee[i] = s;
            total += s;
            matched++;
            if (locks.MentorOf[i] < 0)
            {
                // Complementary slackness on the assigned pair.
                if (u[i] + v[j] != s + bonus) throw new InvalidOperationException("Internal error: an assigned pair is not tight in the certificate.");
                primal += s + bonus;
            }
        }
        long dual = 0;
        for (var i = 0; i < n; i++) dual += u[i];
        for (var j = 0; j < v.Length; j++) dual += v[j] * locks.Residual[j];
        if (dual != primal) throw new InvalidOperationException("Internal error: primal and dual values differ.");
        var certificate = new OptimalityCertificate(u, v, bonus, primal, dual, verified: true);
        return new AssignmentResult(mentorOf, scoreOfMentee, matched, total, certificate, stats);
    }
}
