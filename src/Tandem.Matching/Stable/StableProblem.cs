namespace Tandem.Matching;

/// <summary>
/// A stable matching problem: both sides rank the other, mentors have capacities.
/// </summary>
/// <param name="MenteePreferences">
/// For each mentee, the mentor indices it accepts, most preferred first. No index may appear twice.
/// </param>
/// <param name="MentorPreferences">
/// For each mentor, the mentee indices it accepts, most preferred first. No index may appear twice.
/// </param>
/// <param name="MentorCapacities">
/// For each mentor, how many mentees it can take (zero or more); same length as <paramref name="MentorPreferences"/>.
/// </param>
/// <remarks>
/// A mentee–mentor pair is acceptable only when each lists the other; a one-sided entry is ignored.
/// </remarks>
public sealed record StableProblem(int[][] MenteePreferences, int[][] MentorPreferences, int[] MentorCapacities)
{
    /// <summary>Number of mentees (length of <see cref="MenteePreferences"/>).</summary>
    public int MenteeCount => MenteePreferences.Length;

    /// <summary>Number of mentors (length of <see cref="MentorPreferences"/>).</summary>
    public int MentorCount => MentorPreferences.Length;
}

/// <summary>
/// The outcome of <see cref="StableMatching.Solve"/>.
/// </summary>
/// <param name="MentorOfMentee">For each mentee, the index of its mentor, or -1 when unmatched.</param>
/// <param name="BlockingPairs">
/// Pairs that would both rather be together than keep their assignment, found by
/// <see cref="StableMatching.FindBlockingPairs"/> after solving; empty for a stable result.
/// </param>
public sealed record StableResult(int[] MentorOfMentee, IReadOnlyList<(int Mentee, int Mentor)> BlockingPairs)
{
    /// <summary>True when no blocking pair exists.</summary>
    public bool IsStable => BlockingPairs.Count == 0;

    /// <summary>Number of matched mentees.</summary>
    public int MatchedCount => MentorOfMentee.Count(m => m >= 0);
}
