using System.Globalization;
using Tandem.Features.Outcomes;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Figures;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Reports;

/// <summary>A program report as a PDF file: its objectives against their targets, the dashboard's charts and the outcome analysis.</summary>
public sealed record ProgramReportFile(string FileName, byte[] Content);

/// <summary>
/// The program report a coordinator hands to a school board: the objectives measured against their targets with
/// their trends, the dashboard's charts with their key figures, the pairs' goals, and the outcome analysis in figures and words.
/// Coordinators only; it holds no one's name or answers, only counts and means (groups under 5 are not shown,
/// as on the pages).
/// </summary>
public sealed class RenderProgramReport(GetProgramDashboard dashboards, GetOutcomeReport outcomes)
{
    public async Task<Outcome<ProgramReportFile>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var outcome = await dashboards.RunAsync(actor, programId, charts: false, ct);
        if (outcome.Failure is { } failure)
        {
            return failure;
        }
        var d = outcome.Value!;
        var outcomeReport = await outcomes.RunAsync(actor, programId, ct);
        var analysis = outcomeReport.Value?.Analysis;
        using var stream = new MemoryStream();
        using (var pdf = new ReportPdf(stream, $"{d.ProgramName}: program report", d.MeasuredAt))
        {
            pdf.Text(d.OrganisationName, 11, colour: new SkiaSharp.SKColor(0x55, 0x55, 0x55));
            pdf.Text($"{d.ProgramName}: program report", 20, isBold: true);
            pdf.Text($"{d.Status} · {d.Cadence.ToString().ToLowerInvariant()} meetings · figures as of {d.MeasuredAt:d MMMM yyyy HH:mm} UTC");

            pdf.Heading("Objectives");
            if (d.Objectives.Count == 0)
            {
                pdf.Text("The program has no objectives yet.");
            }
            foreach (var o in d.Objectives)
            {
                pdf.Text(o.Description, 12, isBold: true, keepWithNext: 30);
                pdf.Text($"Target: {o.Target}");
                if (o.Measure is { } measure)
                {
                    var verdict = o.Met switch { true => "Target met.", false => "Below target.", _ => "" };
                    pdf.Text($"{measure.Label()}: {o.ValueText ?? "not measurable yet"} against {o.ThresholdText}. {verdict}", isBold: true);
                }
                pdf.Text(o.Explanation, 10);
                if (o.Measure is { } m && o.Threshold is { } threshold && o.Trend.Count > 0)
                {
                    pdf.Chart(MeasureObjectives.TrendChart($"{o.Description}, by month", m, threshold, o.Trend), 170);
                }
                pdf.Space(6);
            }

            pdf.Heading("Participation and engagement");
            var matched = string.Join("; ", d.Matching.Select(r => $"{r.Role}s: {r.Matched} matched, {r.Waiting} waiting"));
            pdf.Text(matched.Length == 0 ? "Nobody is enrolled yet." : matched);
            pdf.Text(d.MeanRating is { } mean ? $"Average session rating {mean:0.0#} of 5 from {d.RatingCounts.Sum()} check-ins." : d.RatingsNote ?? "No rated check-ins yet.");
            pdf.Text(d.OpenConcerns.Count == 0 ? "No open concerns (safeguarding concerns are reported to the designated leads, not here)."
                : $"Open concerns: {string.Join(", ", d.OpenConcerns.Select(c => $"{c.Count} {c.State}"))}; {d.ConcernsOverdue} waiting past the acknowledgement deadline.");
            foreach (var chart in DashboardCharts.For(d))
            {
                pdf.Chart(chart);
            }

            pdf.Heading("Goals");
            pdf.Text(GoalsText(d.Goals));

            pdf.Heading("Surveys");
            if (d.Surveys.Count == 0)
            {
                pdf.Text("No surveys yet.");
            }
            foreach (var s in d.Surveys)
            {
                pdf.Text($"{s.Title} ({s.Status}{(s.Anonymous ? ", anonymous" : "")}): {s.Responses} response{(s.Responses == 1 ? "" : "s")}.");
            }

            pdf.Heading("Outcomes against a comparison group");
            if (analysis is null || analysis.Measures.Count == 0)
            {
                pdf.Text("No outcome data imported yet.");
            }
            foreach (var m in analysis?.Measures ?? [])
            {
                pdf.Text(m.Measure, 12, isBold: true, keepWithNext: 40);
                pdf.Text($"Program group: {Group(m.Program)}. Comparison group: {Group(m.Comparison)}.");
                pdf.Text($"Difference of mean changes {F(m.Difference)}; Welch's t = {F(m.WelchT)}, df = {F(m.Df)}, p = {F(m.P, "0.####")}; "
                    + $"Hedges' g = {F(m.HedgesG)}; 95% CI [{F(m.Ci95?.Low)}, {F(m.Ci95?.High)}]. "
                    + $"Paired t test within the program group: t = {F(m.PairedProgram?.T)}, df = {F(m.PairedProgram?.Df)}, p = {F(m.PairedProgram?.P, "0.####")}.");
                foreach (var line in m.Notes.Concat(m.Reading))
                {
                    pdf.Text(line, 10);
                }
                pdf.Space(4);
            }
        }
        var slug = new string(d.ProgramName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return new ProgramReportFile($"{(slug.Length == 0 ? "program" : slug)}-report.pdf", stream.ToArray());
    }

    /// <summary>The goal figures in one or two sentences (the dashboard shows the same ones).</summary>
    public static string GoalsText(GoalFigures g) => g.GoalsSet == 0 && g.ActionItems == 0
        ? $"No goals set yet ({g.PairsWithGoals} of {g.OpenPairs} pairs have a goal)."
        : $"Goals set: {g.GoalsSet} ({g.GoalsActive} active, {g.GoalsAchieved} achieved, {g.GoalsDropped} dropped). "
            + $"Action items done: {g.ActionItemsDone} of {g.ActionItems} ({g.ActionItemsPercentDone}%). "
            + $"Pairs with a goal: {g.PairsWithGoals} of {g.OpenPairs}{(g.PercentPairsWithGoals is { } share ? $" ({share}%)" : "")}.";

    private static string F(double? value, string format = "0.###") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "not given";

    private static string Group(GroupChange g) => g.N == 0
        ? "nobody with both values"
        : OutcomeDisclosure.IsSmall(g)
            ? $"{Counted.Of(g.N, "person", "people")} (fewer than {SmallGroups.Minimum}: no mean or SD shown)"
            : $"{g.N} people, mean change {F(g.MeanChange)} (SD {F(g.SdChange)})";
}
