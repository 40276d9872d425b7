using Tandem.Features.Programs;

namespace Tandem.Features.Reports;

/// <summary>The dashboard's charts, built from its figures: the page and the PDF report draw the same ones.</summary>
public static class DashboardCharts
{
    public static IReadOnlyList<Chart> For(ProgramDashboard d)
    {
        static string Pct(double v) => $"{v:0.#}%";
        var months = d.Trend.Select((t, i) => i == d.Trend.Count - 1 ? "Now" : t.AsOf.ToString("MMM yy")).ToList();
        return
        [
            new Chart("Applicants by recruitment channel", ChartKind.Bars, d.Channels.Select(c => c.Channel).ToList(),
                [new ChartSeries("Applications submitted", d.Channels.Select(c => (double?)c.Submissions).ToList())], "Applications",
                Format: v => v.ToString("0")),
            new Chart("Matched and waiting", ChartKind.StackedBars, d.Matching.Select(m => m.Role + "s").ToList(),
                [
                    new ChartSeries("Matched", d.Matching.Select(m => (double?)m.Matched).ToList()),
                    new ChartSeries("Waiting", d.Matching.Select(m => (double?)m.Waiting).ToList()),
                ], "People", Format: v => v.ToString("0")),
            new Chart("Meetings held against the cadence", ChartKind.Bars, d.Meetings.Select(m => m.Month).ToList(),
                [
                    new ChartSeries("Held", d.Meetings.Select(m => (double?)m.Held).ToList()),
                    new ChartSeries("Expected by the cadence", d.Meetings.Select(m => (double?)m.Expected).ToList()),
                ], "Meetings", Format: v => v.ToString("0")),
            new Chart("Meeting rate and retention", ChartKind.Line, months,
                [
                    new ChartSeries(ObjectiveMeasure.MeetingRate.Label(), d.Trend.Select(t => t.MeetingRate).ToList()),
                    new ChartSeries(ObjectiveMeasure.Retention.Label(), d.Trend.Select(t => t.Retention).ToList()),
                ], "%", Min: 0, Max: 100, Format: Pct),
            new Chart("Session ratings", ChartKind.Bars, d.RatingCounts.Count == 0 ? [] : ["1 badly", "2", "3", "4", "5 very well"],
                [new ChartSeries("Check-ins", d.RatingCounts.Select(c => (double?)c).ToList())], "Check-ins", Format: v => v.ToString("0")),
            new Chart("Relationship health over time", ChartKind.StackedBars, months,
                [
                    new ChartSeries("On track", d.Health.Select(h => (double?)h.OnTrack).ToList()),
                    new ChartSeries("Drifting", d.Health.Select(h => (double?)h.Drifting).ToList()),
                    new ChartSeries("At risk", d.Health.Select(h => (double?)h.AtRisk).ToList()),
                ], "Relationships", Format: v => v.ToString("0")),
        ];
    }
}
