namespace Tandem.Matching;

/// <summary>How a criterion compares a mentee with a mentor.</summary>
public enum CriterionKind
{
    /// <summary>
    /// Number of values in common between the mentee's <see cref="Criterion.MenteeField"/> and the
    /// mentor's <see cref="Criterion.MentorField"/> (the same field for shared interests; skills
    /// sought against skills offered for offered-vs-sought). Points: weight x count. Minimum: count.
    /// </summary>
    SharedValues,

    /// <summary>Number of weekly hour slots both are free. Points: weight x hours. Minimum: hours.</summary>
    AvailabilityOverlap,

    /// <summary>Both have a value of the field in common (e.g. a language). Points: weight when they do.</summary>
    SameValue,

    /// <summary>Both have a value of the field and none in common (e.g. background, for diversity). Points: weight when they differ.</summary>
    DifferentValue,

    /// <summary>
    /// Mentor's number minus mentee's number (e.g. school year) lies within
    /// [<see cref="Criterion.Minimum"/>, <see cref="Criterion.Maximum"/>]. Points: weight when it does.
    /// </summary>
    NumericGap,
}

/// <summary>One criterion of compatibility between a mentee and a mentor.</summary>
/// <param name="Name">Name shown in explanations, e.g. "interests".</param>
/// <param name="Kind">How the two are compared.</param>
/// <param name="Weight">Points per unit (shared value, common hour) or for a satisfied criterion; may be negative.</param>
/// <param name="Required">When true the criterion is a hard rule: a pair that fails it is forbidden.</param>
/// <param name="MenteeField">Field read on the mentee (value set or number); not used for availability.</param>
/// <param name="MentorField">Field read on the mentor; usually the same as <paramref name="MenteeField"/>.</param>
/// <param name="Minimum">Least count (shared values, availability) or least gap (numeric gap) for the criterion to be met; for counts, a minimum makes the criterion a hard rule.</param>
/// <param name="Maximum">Greatest gap for a numeric gap criterion.</param>
public sealed record Criterion(
    string Name,
    CriterionKind Kind,
    int Weight = 1,
    bool Required = false,
    string? MenteeField = null,
    string? MentorField = null,
    double? Minimum = null,
    double? Maximum = null);

/// <summary>What the scorer knows of one participant.</summary>
/// <param name="Id">Identifier used in results and explanations.</param>
/// <param name="Values">Sets of values per field (interests, skills offered, skills sought, languages, background...).</param>
/// <param name="Availability">Weekly free hours as slot numbers 0–167 (Monday 00:00–01:00 is 0); see <see cref="WeeklySlots"/>.</param>
/// <param name="Numbers">Scalar fields (school year, time-zone offset...).</param>
public sealed record Participant(
    string Id,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Values = null,
    IReadOnlyList<int>? Availability = null,
    IReadOnlyDictionary<string, double>? Numbers = null);

/// <summary>The contribution of one criterion to one pair's score.</summary>
/// <param name="Criterion">Criterion name.</param>
/// <param name="Points">Points contributed.</param>
/// <param name="Met">Whether the criterion's condition holds (always true for a pure count without minimum).</param>
/// <param name="Required">Whether the criterion is a hard rule.</param>
/// <param name="Text">Human-readable reason, naming the shared values, e.g. "both: robotics, chess".</param>
public sealed record CriterionExplanation(string Criterion, long Points, bool Met, bool Required, string Text);

/// <summary>Why a pair scores what it scores.</summary>
/// <param name="Score">Total score (sum of the points).</param>
/// <param name="Allowed">False when a hard rule forbids the pair.</param>
/// <param name="Criteria">Per-criterion breakdown, in criterion order.</param>
public sealed record PairExplanation(long Score, bool Allowed, IReadOnlyList<CriterionExplanation> Criteria)
{
    /// <summary>The breakdown as one sentence, e.g. "both: robotics, chess; 3 common free hours on Tue/Thu; mentor is 2 years ahead".</summary>
    public string Summary => string.Join("; ", Criteria.Select(c => c.Text));
}

/// <summary>Weekly hour slots: 0–167, Monday 00:00 first.</summary>
public static class WeeklySlots
{
    /// <summary>Number of hour slots in a week.</summary>
    public const int Count = 168;

    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>Three-letter name of the day of a slot.</summary>
    /// <param name="slot">Slot number.</param>
    public static string DayName(int slot) => Days[slot / 24];

    /// <summary>
    /// Parses "Tue 16" (one hour from 16:00) or "Tue 16-18" (16:00 to 18:00, two slots) into slot numbers.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="slots">The slots, on success.</param>
    /// <returns>Whether the text was valid.</returns>
    public static bool TryParse(string text, out int[] slots)
    {
        slots = [];
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2) return false;
        var day = Array.FindIndex(Days, d => d.Equals(parts[0].Length >= 3 ? parts[0][..3] : parts[0], StringComparison.OrdinalIgnoreCase));
        if (day < 0) return false;
        var range = parts[1].Split('-');
        if (range.Length > 2 || !int.TryParse(range[0], out var from)) return false;
        var to = from + 1;
        if (range.Length == 2 && !int.TryParse(range[1], out to)) return false;
        if (from < 0 || from > 23 || to <= from || to > 24) return false;
        slots = Enumerable.Range(day * 24 + from, to - from).ToArray();
        return true;
    }
}
