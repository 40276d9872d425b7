using Tandem.Infrastructure.Figures;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Outcomes;

/// <summary>
/// The analysis as Tandem's readers see it (the page, the API, the PDF report and the objective measures; ADR 25, amended
/// 2026-12-06): a group of 1 to <see cref="SmallGroups.Minimum"/> − 1 people with both values shows its size only, with no
/// mean change, standard deviation or statistic comparing the groups, so that no pupil's grade change can be read off or
/// worked out from the difference. A group under the minimum in the program group hides its paired test too.
/// `tandem evaluate` prints everything: it reads a file its operator already holds.
/// </summary>
public static class OutcomeDisclosure
{
    public static OutcomeAnalysis ForReaders(OutcomeAnalysis analysis) =>
        new(analysis.Measures.Select(ForReaders).ToList());

    public static bool IsSmall(GroupChange group) => group.N is > 0 and < SmallGroups.Minimum;

    public static MeasureAnalysis ForReaders(MeasureAnalysis m)
    {
        var programSmall = IsSmall(m.Program);
        var comparisonSmall = IsSmall(m.Comparison);
        if (!programSmall && !comparisonSmall)
        {
            return m;
        }
        var guarded = m with
        {
            Program = programSmall ? m.Program with { MeanChange = null, SdChange = null } : m.Program,
            Comparison = comparisonSmall ? m.Comparison with { MeanChange = null, SdChange = null } : m.Comparison,
            Difference = null,
            WelchT = null,
            Df = null,
            P = null,
            HedgesG = null,
            Ci95 = null,
            PairedProgram = programSmall ? null : m.PairedProgram,
            Notes = [.. m.Notes, Why(m, programSmall, comparisonSmall)],
        };
        return guarded with { Reading = OutcomeReading.Describe(guarded) };
    }

    private static string Why(MeasureAnalysis m, bool programSmall, bool comparisonSmall)
    {
        var which = (programSmall, comparisonSmall) switch
        {
            (true, true) => $"the program group ({Counted.Of(m.Program.N, "person", "people")}) and the comparison group ({Counted.Of(m.Comparison.N, "person", "people")})",
            (true, false) => $"the program group ({Counted.Of(m.Program.N, "person", "people")})",
            _ => $"the comparison group ({Counted.Of(m.Comparison.N, "person", "people")})",
        };
        return $"Fewer than {SmallGroups.Minimum} people with both values in {which}: a group that small is shown by its size only, "
            + "without its mean change, standard deviation or the statistics comparing the groups, so that no one's change can be worked out from the figures.";
    }
}
