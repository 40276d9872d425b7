namespace Tandem.Matching;

/// <summary>An allowed mentee–mentor pair with its integer compatibility score.</summary>
/// <param name="Mentee">Index of the mentee, 0-based.</param>
/// <param name="Mentor">Index of the mentor, 0-based.</param>
/// <param name="Score">Compatibility score; larger is better. At most 10^12 in magnitude.</param>
public readonly record struct ScoredPair(int Mentee, int Mentor, long Score);

/// <summary>A mentee–mentor pair without a score (a lock or an explicit prohibition).</summary>
/// <param name="Mentee">Index of the mentee, 0-based.</param>
/// <param name="Mentor">Index of the mentor, 0-based.</param>
public readonly record struct MenteeMentor(int Mentee, int Mentor);

/// <summary>
/// An assignment problem given by its explicit list of allowed pairs: every pair not listed is
/// forbidden. Mentors take up to their capacity; each mentee takes at most one mentor.
/// </summary>
/// <param name="MenteeCount">Number of mentees.</param>
/// <param name="MentorCapacities">Capacity of each mentor (0 or more); its length is the number of mentors.</param>
/// <param name="Pairs">The allowed pairs with scores; a pair may appear at most once.</param>
/// <param name="Objective">What to maximise.</param>
/// <param name="LockedPairs">Pairs the coordinator has fixed; each must be an allowed pair, each mentee locked at most once, and no mentor over capacity.</param>
public sealed record AssignmentProblem(
    int MenteeCount,
    int[] MentorCapacities,
    IReadOnlyList<ScoredPair> Pairs,
    MatchingObjective Objective = MatchingObjective.MaxMatchedThenScore,
    IReadOnlyList<MenteeMentor>? LockedPairs = null)
{
    /// <summary>Number of mentors.</summary>
    public int MentorCount => MentorCapacities.Length;
}

/// <summary>An optimal assignment with the proof of its optimality.</summary>
/// <param name="MentorOfMentee">For each mentee, the index of its mentor, or -1 when unmatched.</param>
/// <param name="ScoreOfMentee">For each mentee, the score of its pair (0 when unmatched).</param>
/// <param name="Matched">Number of matched mentees, locked ones included.</param>
/// <param name="TotalScore">Sum of the scores of all pairs, locked ones included.</param>
/// <param name="Certificate">Dual values proving optimality; already verified by the solver.</param>
/// <param name="Statistics">How the answer was reached (sizes, rounds, pairs checked).</param>
public sealed record AssignmentResult(
    int[] MentorOfMentee,
    long[] ScoreOfMentee,
    int Matched,
    long TotalScore,
    OptimalityCertificate Certificate,
    SolveStatistics Statistics)
{
    /// <summary>True: a result is only ever returned once its certificate (and fairness proof, if any) has been verified.</summary>
    public bool Optimal => Certificate.Verified && (Fairness?.Verified ?? true);

    /// <summary>
    /// For <see cref="MatchingObjective.MaxMinThenScore"/>: the proof that no assignment matching as many
    /// has a higher lowest score, with the threshold reached (null for the other objectives). The
    /// <see cref="Certificate"/> then proves the total best among assignments reaching that threshold.
    /// </summary>
    public FairnessProof? Fairness { get; init; }
}

/// <summary>Counters describing one solve, for benchmarks and diagnostics.</summary>
/// <param name="PairsConsidered">Allowed pairs in the whole problem (scored or listed).</param>
/// <param name="WorkingPairs">Pairs in the working graph the exact solver saw in its last round.</param>
/// <param name="Rounds">Number of exact solves (more than one when pruned pairs violated the duals).</param>
/// <param name="PairsRecheckedExactly">Pruned pairs compared one by one against the duals (the rest were covered by a per-mentee bound).</param>
/// <param name="ScoringTime">Time spent scoring every pair and choosing candidates.</param>
/// <param name="SolvingTime">Time spent in the exact solver, over all rounds.</param>
/// <param name="CertifyingTime">Time spent checking the certificate, over all rounds.</param>
public sealed record SolveStatistics(long PairsConsidered, long WorkingPairs, int Rounds, long PairsRecheckedExactly,
    TimeSpan ScoringTime = default, TimeSpan SolvingTime = default, TimeSpan CertifyingTime = default);
