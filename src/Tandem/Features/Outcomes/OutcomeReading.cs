using System.Globalization;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Outcomes;

/// <summary>Cohen's rough conventions for a standardized difference such as Hedges' g.</summary>
public enum EffectSize
{
    Negligible,
    Small,
    Medium,
    Large,
}

/// <summary>
/// What one measure's figures do and do not show, in sentences a coordinator can put in front of a
/// school board: the sizes of the groups, the difference and its interval, what the p value means
/// (and that it is not the size of the effect), an effect size label, and the limits of a comparison
/// without random assignment. Written once here so that the CLI, the report page and the PDF agree.
/// </summary>
public static class OutcomeReading
{
    /// <summary>Below this many people in a group the reading warns that the estimates are imprecise.</summary>
    public const int SmallGroup = 30;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static EffectSize Label(double hedgesG) => Math.Abs(hedgesG) switch
    {
        < 0.2 => EffectSize.Negligible,
        < 0.5 => EffectSize.Small,
        < 0.8 => EffectSize.Medium,
        _ => EffectSize.Large,
    };

    public static IReadOnlyList<string> Describe(MeasureAnalysis m)
    {
        var lines = new List<string>
        {
            $"Program group: {Group(m.Program)}. Comparison group: {Group(m.Comparison)}.",
        };

        if (m.Difference is { } difference)
        {
            lines.Add(difference == 0
                ? "The two groups' mean changes were the same."
                : $"The program group's mean change was {Number(Math.Abs(difference))} {(difference > 0 ? "higher" : "lower")} than the comparison group's "
                  + "(whether higher is better depends on the measure: more attendance, fewer incidents).");
        }

        if (m.Ci95 is { } ci)
        {
            var range = $"The 95% confidence interval of the difference runs from {Number(ci.Low)} to {Number(ci.High)}";
            lines.Add(ci.Low <= 0 && ci.High >= 0
                ? $"{range}. It includes zero, so these data are consistent with no difference at all as well as with any difference in that range."
                : $"{range}. It does not include zero, so a difference in this direction is likely, but its size could be anywhere in that range.");
        }

        if (m.P is { } p)
        {
            lines.Add($"{PValue(p)}: if the two groups' changes did not differ on average, a gap at least this large would arise by chance "
                + $"{Chance(p)}. A p value is not the size of the effect: in a large sample a tiny difference can have a small p, "
                + "and in a small sample an important one can have a large p.");
        }

        if (m.HedgesG is { } g)
        {
            var label = Label(g) switch
            {
                EffectSize.Negligible => "a negligible difference",
                EffectSize.Small => "a small difference",
                EffectSize.Medium => "a medium difference",
                _ => "a large difference",
            };
            lines.Add($"Hedges' g is {Number(g)}: the difference is {Number(Math.Abs(g))} standard deviations of the change scores, "
                + $"{label} by Cohen's rough conventions (0.2 small, 0.5 medium, 0.8 large).");
        }

        if (m.PairedProgram is { } paired && m.Program.MeanChange is { } programChange)
        {
            var direction = programChange > 0 ? "higher after than before" : "lower after than before";
            lines.Add($"Within the program group the values were {direction} (paired t = {Number(paired.T)}, {paired.Df} degrees of freedom, {PValue(paired.P)}). "
                + "On its own this does not show the program caused the change: people change over a year anyway, which is what the comparison group is for.");
        }

        if (m.Program.N is > 0 and < SmallGroup || m.Comparison.N is > 0 and < SmallGroup)
        {
            lines.Add($"With fewer than {SmallGroup} people in a group the estimates are imprecise: the interval is wide, and a real effect can easily go undetected.");
        }

        if (m.Comparison.N > 0)
        {
            lines.Add("People were not assigned to the program at random, so the groups may have differed from the start "
                + "(who volunteered or was referred, motivation, support at home). The figures show how the groups' changes compare, "
                + "not that the program caused the difference.");
        }
        else
        {
            lines.Add("Without a comparison group nothing here separates the program's effect from the change that would have happened anyway.");
        }
        return lines;
    }

    /// <summary>A number for a sentence: three significant figures, no exponent, invariant culture.</summary>
    public static string Number(double x)
    {
        if (x == 0 || !double.IsFinite(x))
        {
            return x.ToString(Invariant);
        }
        var digits = Math.Clamp(2 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 15);
        return Math.Round(x, digits, MidpointRounding.AwayFromZero).ToString("F" + digits, Invariant);
    }

    private static string Group(GroupChange group) => group switch
    {
        { N: 0 } => "no one with both a pre and a post value",
        { N: 1, MeanChange: { } mean } => $"1 person, change {Signed(mean)}",
        { MeanChange: { } mean, SdChange: { } sd } => $"{Counted.Of(group.N, "person", "people")}, mean change {Signed(mean)} (standard deviation {Number(sd)})",
        _ => Counted.Of(group.N, "person", "people"),
    };

    private static string Signed(double x) => x > 0 ? "+" + Number(x) : Number(x);

    private static string PValue(double p) => p < 0.001 ? "p < 0.001" : $"p = {Number(p)}";

    private static string Chance(double p)
    {
        if (p < 0.01)
        {
            return "in fewer than 1 in 100 samples like this one";
        }
        var percent = (int)Math.Round(p * 100, MidpointRounding.AwayFromZero);
        return $"in about {percent} of 100 samples like this one";
    }
}
