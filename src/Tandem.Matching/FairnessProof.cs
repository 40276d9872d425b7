namespace Tandem.Matching;

/// <summary>
/// A set of mentees and mentors that touches every allowed pair of free (not locked) mentees scoring
/// at least <see cref="AtLeast"/>. No assignment using only those pairs can match more free mentees than
/// <see cref="Size"/>: each matched pair uses a covered mentee or one of a covered mentor's places
/// (König's theorem, with capacities).
/// </summary>
public sealed class PairCover
{
    internal PairCover(long atLeast, int[] mentees, int[] mentors, long size)
    {
        AtLeast = atLeast;
        Mentees = mentees;
        Mentors = mentors;
        Size = size;
    }

    /// <summary>The pairs covered are the allowed pairs of free mentees scoring this much or more (<see cref="long.MinValue"/>: all of them).</summary>
    public long AtLeast { get; }

    /// <summary>Mentees in the cover, ascending.</summary>
    public IReadOnlyList<int> Mentees { get; }

    /// <summary>Mentors in the cover, ascending.</summary>
    public IReadOnlyList<int> Mentors { get; }

    /// <summary>Number of mentees in the cover plus the remaining capacity (after locks) of each mentor in it.</summary>
    public long Size { get; }

    /// <summary>A copy with different members, for tests that tamper with a proof.</summary>
    internal PairCover With(int[]? mentees = null, int[]? mentors = null, long? size = null, long? atLeast = null) =>
        new(atLeast ?? AtLeast, mentees ?? (int[])Mentees, mentors ?? (int[])Mentors, size ?? Size);
}

/// <summary>
/// The proof that an assignment made under <see cref="MatchingObjective.MaxMinThenScore"/> is optimal:
/// it matches as many free mentees as any assignment can (<see cref="MatchedCover"/>), no assignment
/// matching that many has a lowest pair score above <see cref="LowestScore"/> (<see cref="AboveCover"/>),
/// and among those reaching it the total is the greatest (the result's
/// <see cref="AssignmentResult.Certificate"/>, whose duals hold on every allowed pair scoring at least
/// <see cref="LowestScore"/>).
/// </summary>
/// <remarks>
/// Locked pairs are fixed by the coordinator and do not count: the lowest score is taken over the pairs
/// the solver chose. Each part can be checked again with <see cref="Check(AssignmentProblem, AssignmentResult)"/>
/// or <see cref="Check(PoolProblem, AssignmentResult)"/>.
/// </remarks>
public sealed class FairnessProof
{
    internal FairnessProof(int freeMatched, long? lowestScore, PairCover matchedCover, PairCover? aboveCover, int thresholdChecks, int coverRounds, bool verified, int locked = 0)
    {
        Locked = locked;
        FreeMatched = freeMatched;
        LowestScore = lowestScore;
        MatchedCover = matchedCover;
        AboveCover = aboveCover;
        ThresholdChecks = thresholdChecks;
        CoverRounds = coverRounds;
        Verified = verified;
    }

    /// <summary>Mentees in locked pairs (fixed by the coordinator; not counted in <see cref="FreeMatched"/> or <see cref="LowestScore"/>).</summary>
    public int Locked { get; }

    /// <summary>Mentees matched besides the locked ones: the most any assignment can match.</summary>
    public int FreeMatched { get; }

    /// <summary>The lowest score among the pairs the solver chose (null when no free mentee can be matched).</summary>
    public long? LowestScore { get; }

    /// <summary>A cover of every allowed pair of free mentees whose size equals <see cref="FreeMatched"/>: nobody can match more.</summary>
    public PairCover MatchedCover { get; }

    /// <summary>
    /// A cover of every allowed pair of free mentees scoring above <see cref="LowestScore"/> whose size is below
    /// <see cref="FreeMatched"/>: no assignment matching as many has a lowest score above it (null with <see cref="LowestScore"/>).
    /// </summary>
    public PairCover? AboveCover { get; }

    /// <summary>Cardinality checks made while searching for the threshold.</summary>
    public int ThresholdChecks { get; }

    /// <summary>Times a cover was checked against every allowed pair (more than two when pairs outside the working graph had to be added).</summary>
    public int CoverRounds { get; }

    /// <summary>Whether every part was checked against all allowed pairs and held.</summary>
    public bool Verified { get; }

    /// <summary>The proof as one sentence for people.</summary>
    public string Statement => LowestScore is { } t
        ? $"Proven: no assignment that matches {FreeMatched} mentees{(Locked > 0 ? $" besides the {Locked} locked" : "")} (the most possible) has a lowest pair score above {t}{(Locked > 0 ? " (locked pairs not counted)" : "")}, and none with lowest score {t} or more has a greater total."
        : "No mentee outside the locked pairs can be matched.";

    internal FairnessProof With(PairCover? matchedCover = null, PairCover? aboveCover = null, long? lowestScore = null, int? freeMatched = null) =>
        new(freeMatched ?? FreeMatched, lowestScore ?? LowestScore, matchedCover ?? MatchedCover, aboveCover ?? AboveCover, ThresholdChecks, CoverRounds, Verified, Locked);

    /// <summary>
    /// Checks a max-min-then-score result against an explicit problem from scratch: the assignment is
    /// feasible, both covers cover what they claim and have the sizes they claim, and the certificate's
    /// duals hold on every allowed pair at or above the threshold.
    /// </summary>
    /// <param name="problem">The problem the result was computed for.</param>
    /// <param name="result">The result carrying this proof in <see cref="AssignmentResult.Fairness"/>.</param>
    /// <returns>Null when everything holds; otherwise the first failure, as a sentence.</returns>
    public static string? Check(AssignmentProblem problem, AssignmentResult result)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var rows = ExplicitRows.FromPairs(problem.MenteeCount, problem.MentorCapacities, problem.Pairs ?? []);
        return Check(new ExplicitFairPairs(rows, problem.LockedPairs), result);
    }

    /// <summary>As <see cref="Check(AssignmentProblem, AssignmentResult)"/>, for a pool: every row is scored again.</summary>
    /// <param name="problem">The pool the result was computed for.</param>
    /// <param name="result">The result carrying this proof.</param>
    /// <returns>Null when everything holds; otherwise the first failure, as a sentence.</returns>
    public static string? Check(PoolProblem problem, AssignmentResult result)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Check(new PoolFairPairs(problem, 0), result);
    }

    internal static string? Check(IFairPairs pairs, AssignmentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var proof = result.Fairness;
        if (proof is null) return "The result carries no fairness proof.";
        var n = pairs.MenteeCount;
        var m = pairs.Residual.Length;
        var locks = pairs.LockedMentorOf;
        if (result.MentorOfMentee.Length != n) return "The assignment does not have one entry per mentee.";

        // The assignment: locks kept, pairs allowed, scores as claimed, capacities respected.
        var load = new int[m];
        var free = 0;
        long lowest = long.MaxValue;
        for (var i = 0; i < n; i++)
        {
            var j = result.MentorOfMentee[i];
            if (locks[i] >= 0)
            {
                if (j != locks[i]) return $"Mentee {i} is locked to mentor {locks[i]} but assigned elsewhere.";
                continue;
            }
            if (j < 0) continue;
            if ((uint)j >= (uint)m) return $"Mentee {i} is assigned to mentor {j}, out of range.";
            var s = pairs.ScoreOf(i, j);
            if (s == long.MinValue) return $"Pair ({i}, {j}) is not allowed.";
            if (s != result.ScoreOfMentee[i]) return $"Pair ({i}, {j}) scores {s}, not {result.ScoreOfMentee[i]}.";
            if (++load[j] > pairs.Residual[j]) return $"Mentor {j} is over capacity.";
            free++;
            lowest = Math.Min(lowest, s);
        }
        if (free != proof.FreeMatched) return $"The assignment matches {free} free mentees, not {proof.FreeMatched}.";
        if (free == 0)
        {
            if (proof.LowestScore is not null) return "No free mentee is matched, yet a lowest score is claimed.";
        }
        else if (proof.LowestScore != lowest) return $"The lowest free pair scores {lowest}, not {proof.LowestScore}.";

        // Nobody can match more.
        if (CoverFailure(pairs, proof.MatchedCover, long.MinValue) is { } a) return "Matched cover: " + a;
        if (proof.MatchedCover.Size != free) return $"Matched cover: its size {proof.MatchedCover.Size} is not the {free} mentees matched.";
        if (free == 0) return null;

        // Nobody matching as many does better at the bottom.
        if (proof.AboveCover is not { } above) return "The cover of pairs above the lowest score is missing.";
        if (CoverFailure(pairs, above, lowest + 1) is { } b) return "Cover above the lowest score: " + b;
        if (above.Size >= free) return $"Cover above the lowest score: its size {above.Size} does not fall below {free}.";

        // The total: the duals on every allowed pair scoring at least the lowest.
        var c = result.Certificate;
        if (c.MenteeDuals.Count != n || c.MentorDuals.Count != m) return "Certificate: wrong number of duals.";
        var u = c.MenteeDuals.ToArray();
        var v = c.MentorDuals.ToArray();
        long dual = 0, primal = 0;
        for (var j = 0; j < m; j++)
        {
            if (v[j] < 0) return $"Certificate: mentor {j} has a negative dual.";
            if (load[j] < pairs.Residual[j] && v[j] != 0) return $"Certificate: mentor {j} has room but a positive dual.";
            dual += v[j] * pairs.Residual[j];
        }
        for (var i = 0; i < n; i++)
        {
            if (u[i] < 0) return $"Certificate: mentee {i} has a negative dual.";
            dual += u[i];
            if (locks[i] >= 0) { if (u[i] != 0) return $"Certificate: locked mentee {i} has a dual."; continue; }
            var j = result.MentorOfMentee[i];
            if (j < 0) { if (u[i] != 0) return $"Certificate: unmatched mentee {i} has a positive dual."; continue; }
            var w = result.ScoreOfMentee[i] + c.CardinalityBonus;
            if (u[i] + v[j] != w) return $"Certificate: assigned pair ({i}, {j}) is not tight.";
            primal += w;
        }
        if (primal != dual) return $"Certificate: primal weight {primal} differs from the dual objective {dual}.";
        var violator = pairs.FirstDualViolation(lowest, u, v, c.CardinalityBonus);
        if (violator is { } p) return $"Certificate: pair ({p.Mentee}, {p.Mentor}) scores more than its duals allow.";
        return null;
    }

    private static string? CoverFailure(IFairPairs pairs, PairCover cover, long atLeast)
    {
        if (cover.AtLeast != atLeast) return $"it covers pairs from {cover.AtLeast}, not from {atLeast}.";
        var n = pairs.MenteeCount;
        var m = pairs.Residual.Length;
        var coveredMentee = new bool[n];
        var coveredMentor = new bool[m];
        long size = 0;
        foreach (var i in cover.Mentees)
        {
            if ((uint)i >= (uint)n || coveredMentee[i]) return $"mentee {i} is out of range or listed twice.";
            coveredMentee[i] = true;
            if (pairs.LockedMentorOf[i] < 0) size++;
        }
        foreach (var j in cover.Mentors)
        {
            if ((uint)j >= (uint)m || coveredMentor[j]) return $"mentor {j} is out of range or listed twice.";
            coveredMentor[j] = true;
            size += pairs.Residual[j];
        }
        if (size > cover.Size) return $"its members count {size}, more than the {cover.Size} claimed.";
        var found = pairs.Uncovered(atLeast, coveredMentee, coveredMentor, 1, out _);
        return found.Count > 0 ? $"pair ({found[0].I}, {found[0].J}) scoring {found[0].S} is not covered." : null;
    }
}
