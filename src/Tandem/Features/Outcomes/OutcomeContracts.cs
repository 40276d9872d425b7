using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Outcomes;

/// <summary>The "Outcomes" configuration section (docs/operations.md).</summary>
public sealed class OutcomeOptions
{
    /// <summary>Largest outcome file a coordinator may import, in bytes ("Outcomes:MaxFileBytes"; 413 beyond it).</summary>
    [Range(1L, 1L << 30)]
    public long MaxFileBytes { get; set; } = 2 * 1024 * 1024;
}

/// <summary>An outcome file that cannot be read: 422 with every problem, each naming its line; nothing was stored.</summary>
public sealed record OutcomeFileInvalid(IReadOnlyList<OutcomeCsvError> Errors)
    : Unprocessable("The outcome file has errors", $"Nothing was imported; the program's previous data are kept. {Summary(Errors)}")
{
    public override string ListName => "lines";

    public override object List => Errors;

    private static string Summary(IReadOnlyList<OutcomeCsvError> errors) =>
        errors.Count == 1 ? $"The problem is on {errors[0]}" : $"{errors.Count} problems, the first on {errors[0]}";
}

/// <summary>What an import stored: it replaced the program's whole outcome data set.</summary>
public sealed record OutcomeImportResult(int Observations, int People, int Measures, DateTime ImportedAt);

/// <summary>
/// A program's outcome report: when its data set was imported, how many rows it has, and the analysis
/// (null when nothing is imported). What the report page, the API and the PDF program report read.
/// </summary>
public sealed record OutcomeReport(Guid ProgramId, DateTime? ImportedAt, int Observations, OutcomeAnalysis? Analysis);

/// <summary>
/// The analysis as `tandem evaluate` prints it (docs/formats.md, "Outcome CSV"), field for field, with when the
/// data set was imported and how many rows it has. An empty data set has no measures.
/// </summary>
public sealed record OutcomeReportView(DateTime? ImportedAt, int Observations, IReadOnlyList<OutcomeMeasureView> Measures);

public sealed record OutcomeMeasureView(
    string Measure,
    OutcomeGroupView Program,
    OutcomeGroupView Comparison,
    double? Difference,
    double? WelchT,
    double? Df,
    double? P,
    double? HedgesG,
    double[]? Ci95,
    OutcomePairedView PairedProgram,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Reading);

public sealed record OutcomeGroupView(int N, double? MeanChange, double? SdChange);

public sealed record OutcomePairedView(double? T, int? Df, double? P);

public static class OutcomeViews
{
    public static OutcomeReportView ToView(this OutcomeReport report) => new(
        report.ImportedAt,
        report.Observations,
        report.Analysis?.Measures.Select(ToView).ToList() ?? []);

    public static OutcomeMeasureView ToView(this MeasureAnalysis m) => new(
        m.Measure,
        new OutcomeGroupView(m.Program.N, m.Program.MeanChange, m.Program.SdChange),
        new OutcomeGroupView(m.Comparison.N, m.Comparison.MeanChange, m.Comparison.SdChange),
        m.Difference,
        m.WelchT,
        m.Df,
        m.P,
        m.HedgesG,
        m.Ci95 is { } ci ? [ci.Low, ci.High] : null,
        new OutcomePairedView(m.PairedProgram?.T, m.PairedProgram?.Df, m.PairedProgram?.P),
        m.Notes,
        m.Reading);
}
