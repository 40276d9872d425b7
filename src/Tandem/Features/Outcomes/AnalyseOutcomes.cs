namespace Tandem.Features.Outcomes;

/// <summary>One group's change scores (post − pre) for one measure.</summary>
/// <param name="N">People with both a pre and a post value.</param>
/// <param name="MeanChange">Null when no one has both values.</param>
/// <param name="SdChange">Sample standard deviation (n − 1); null below two people.</param>
/// <param name="LeftOut">People left out for a missing pre or post value.</param>
public sealed record GroupChange(int N, double? MeanChange, double? SdChange, int LeftOut);

/// <summary>The 95% confidence interval of the difference of mean changes.</summary>
public sealed record ConfidenceInterval(double Low, double High);

/// <summary>
/// The comparison of one measure. <see cref="Difference"/> is the program group's mean change minus
/// the comparison group's. Every statistic that the data cannot support is null, and
/// <see cref="Notes"/> says why; <see cref="Reading"/> says in words what the figures do and do not
/// show, for the CLI, the report page and the PDF alike.
/// </summary>
public sealed record MeasureAnalysis(
    string Measure,
    GroupChange Program,
    GroupChange Comparison,
    double? Difference,
    double? WelchT,
    double? Df,
    double? P,
    double? HedgesG,
    ConfidenceInterval? Ci95,
    PairedTest? PairedProgram,
    IReadOnlyList<string> Notes)
{
    public IReadOnlyList<string> Reading { get; init; } = [];
}

/// <summary>Every measure, in the order each first appears in the observations.</summary>
public sealed record OutcomeAnalysis(IReadOnlyList<MeasureAnalysis> Measures);

/// <summary>
/// Compares the program group's change with the comparison group's, measure by measure: each group's
/// mean change, the difference, Welch's t test on the change scores, Hedges' g and the 95% confidence
/// interval of the difference, and a paired t test of pre against post within the program group.
/// Pure: it reads nothing but the observations, so `tandem evaluate`, the outcomes page and the PDF
/// report give the same figures for the same data.
/// </summary>
public sealed class AnalyseOutcomes
{
    /// <summary>
    /// Analyses <paramref name="observations"/>: at most one per person and measure (people and
    /// measures are matched ignoring case; the first spelling of a measure names it), and a person is
    /// in one group only. Callers check both (OutcomeCsv names the offending line); a breach here is a
    /// programming error and throws.
    /// </summary>
    public Task<OutcomeAnalysis> RunAsync(IEnumerable<OutcomeObservation> observations, CancellationToken ct = default)
    {
        var measures = new List<(string Name, List<OutcomeObservation> Rows)>();
        var byName = new Dictionary<string, List<OutcomeObservation>>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<(string, string)>(PersonMeasureComparer.Instance);
        var groupOf = new Dictionary<string, OutcomeGroup>(StringComparer.OrdinalIgnoreCase);
        foreach (var o in observations)
        {
            if (!seen.Add((o.Person, o.Measure)))
            {
                throw new ArgumentException($"'{o.Person}' has more than one '{o.Measure}' observation.", nameof(observations));
            }
            if (groupOf.TryGetValue(o.Person, out var group) && group != o.Group)
            {
                throw new ArgumentException($"'{o.Person}' is in both groups.", nameof(observations));
            }
            groupOf[o.Person] = o.Group;
            if (!byName.TryGetValue(o.Measure, out var rows))
            {
                rows = [];
                byName.Add(o.Measure, rows);
                measures.Add((o.Measure, rows));
            }
            rows.Add(o);
        }

        var results = new List<MeasureAnalysis>(measures.Count);
        foreach (var (name, rows) in measures)
        {
            ct.ThrowIfCancellationRequested();
            var analysis = Analyse(name, rows);
            results.Add(analysis with { Reading = OutcomeReading.Describe(analysis) });
        }
        return Task.FromResult(new OutcomeAnalysis(results));
    }

    private static MeasureAnalysis Analyse(string measure, List<OutcomeObservation> rows)
    {
        var (programChanges, programLeftOut) = Changes(rows, OutcomeGroup.Program);
        var (comparisonChanges, comparisonLeftOut) = Changes(rows, OutcomeGroup.Comparison);
        ChangeSummary? program = programChanges.Count > 0 ? ChangeSummary.Of(programChanges) : null;
        ChangeSummary? comparison = comparisonChanges.Count > 0 ? ChangeSummary.Of(comparisonChanges) : null;

        var notes = new List<string>();
        if (programLeftOut + comparisonLeftOut > 0)
        {
            notes.Add($"Left out for a missing pre or post value: {People(programLeftOut)} in the program group, {People(comparisonLeftOut)} in the comparison group.");
        }

        WelchTest? welch = null;
        double? g = null;
        if (program is not { N: >= 2 } || comparison is not { N: >= 2 })
        {
            notes.Add("Comparing the groups needs at least 2 people with both values in each group; "
                + $"the program group has {program?.N ?? 0} and the comparison group {comparison?.N ?? 0}, "
                + "so the t test, p, confidence interval and Hedges' g are not given.");
        }
        else if (program.Value.Variance == 0 && comparison.Value.Variance == 0)
        {
            notes.Add("Everyone in the program group changed by the same amount, and everyone in the comparison group too; "
                + "with no variation within the groups the t test, p, confidence interval and Hedges' g are undefined.");
        }
        else
        {
            welch = ChangeStatistics.Welch(program.Value, comparison.Value);
            g = ChangeStatistics.HedgesG(program.Value, comparison.Value);
            if (welch is null || g is null)
            {
                notes.Add("The values are too large for the t test and Hedges' g to be computed.");
            }
        }

        PairedTest? paired = null;
        if (program is not { N: >= 2 })
        {
            notes.Add("The paired test of pre against post needs at least 2 people with both values in the program group.");
        }
        else if (program.Value.Variance == 0)
        {
            notes.Add("Everyone in the program group changed by the same amount; with no variation the paired test is undefined.");
        }
        else
        {
            paired = ChangeStatistics.Paired(program.Value);
            if (paired is null)
            {
                notes.Add("The values are too large for the paired test to be computed.");
            }
        }

        return new MeasureAnalysis(
            measure,
            Group(program, programLeftOut),
            Group(comparison, comparisonLeftOut),
            program is { } p && comparison is { } c ? Finite(p.Mean - c.Mean) : null,
            welch?.T,
            welch?.Df,
            welch?.P,
            welch is null ? null : g,
            welch is null ? null : new ConfidenceInterval(welch.Low, welch.High),
            paired,
            notes);
    }

    private static (List<double> Changes, int LeftOut) Changes(List<OutcomeObservation> rows, OutcomeGroup group)
    {
        var changes = new List<double>();
        var leftOut = 0;
        foreach (var row in rows.Where(r => r.Group == group))
        {
            if (row is { Pre: { } pre, Post: { } post })
            {
                changes.Add(ChangeStatistics.Change(pre, post));
            }
            else
            {
                leftOut++;
            }
        }
        return (changes, leftOut);
    }

    private static GroupChange Group(ChangeSummary? summary, int leftOut) => summary is { } s
        ? new GroupChange(s.N, Finite(s.Mean), s.N >= 2 ? Finite(s.StandardDeviation) : null, leftOut)
        : new GroupChange(0, null, null, leftOut);

    /// <summary>Values near double's limit overflow; such a figure is not given rather than given as infinity.</summary>
    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private static string People(int n) => n == 1 ? "1 person" : $"{n} people";
}
