namespace Tandem.Features.Matching;

/// <summary>
/// What a participant is told about why they were matched: only criteria that read no private answer.
/// </summary>
public static class ParticipantExplanation
{
    public static string For(IEnumerable<ProposalCriterion> criteria)
    {
        var visible = criteria.Where(c => !c.Private && (c.Met || c.Points != 0)).Select(c => c.Text).ToList();
        return visible.Count == 0 ? "you fit the program's matching rules" : string.Join("; ", visible);
    }

    /// <summary>The longest match explanation a relationship or a mentor request stores.</summary>
    public const int MaxLength = 4000;

    /// <summary>
    /// An explanation cut to <see cref="MaxLength"/>: every writer of a stored explanation cuts it here, between whole
    /// characters (half an emoji in a criterion's or a person's name is refused by PostgreSQL, ADR 127).
    /// </summary>
    public static string Cut(string explanation) => Tandem.Infrastructure.Text.WholeCharacters.Within(explanation, MaxLength);

    /// <summary>Share of the visible criteria met, 0–100 (the score participants and relationship pages show).</summary>
    public static int Percent(IReadOnlyList<ProposalCriterion> criteria) => criteria.Count == 0
        ? 100
        : (int)Math.Round(100.0 * criteria.Count(c => c.Met) / criteria.Count);
}
