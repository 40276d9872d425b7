namespace Tandem.Matching;

/// <summary>What an optimal mentee–mentor assignment maximises.</summary>
public enum MatchingObjective
{
    /// <summary>
    /// Match as many mentees as possible; among all assignments of that size, take the one with the
    /// greatest total score. The default.
    /// </summary>
    MaxMatchedThenScore,

    /// <summary>
    /// Maximise the total score alone: a mentee stays unmatched when no allowed pair adds a positive
    /// score. Pairs scoring zero or less are never chosen.
    /// </summary>
    MaxScore,

    /// <summary>
    /// Raise the worst-off first: match as many mentees as possible; among those assignments, take one whose
    /// lowest pair score (over the pairs the solver chooses; locked pairs do not count) is the greatest, and
    /// among those the greatest total score. The result carries a <see cref="FairnessProof"/> (ADR 0034).
    /// </summary>
    MaxMinThenScore,
}
