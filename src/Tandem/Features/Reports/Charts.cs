using ScottPlot;
using SkiaSharp;

namespace Tandem.Features.Reports;

/// <summary>One series of a chart: a name for the legend and one value per category (null: no value then).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Values);

/// <summary>
/// A chart as data: what it shows, its categories (months, channels, roles) and series. The pages draw it as an
/// image with the same figures in a table for screen readers; the PDF report draws it on its page. Drawn with
/// ScottPlot (ADR 27); nothing in it is markup, so a name typed by a coordinator cannot inject any.
/// </summary>
public sealed record Chart(
    string Title,
    ChartKind Kind,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ChartSeries> Series,
    string ValueLabel,
    double? Target = null,
    double? Min = null,
    double? Max = null,
    Func<double, string>? Format = null)
{
    public bool IsEmpty => Categories.Count == 0 || Series.All(s => s.Values.All(v => v is null));

    public string FormatValue(double? value) => value is { } v ? Format?.Invoke(v) ?? v.ToString("0.##") : "–";
}

public enum ChartKind { Line, Bars, StackedBars }

public static class ChartDrawing
{
    private static readonly string[] Palette = ["#1b5e9c", "#c0392b", "#2e7d32", "#b7791f", "#6b4fa0"];

    /// <summary>An SVG image as a data URI for an &lt;img&gt; (its ids and text stay inside the image).</summary>
    public static string ToDataUri(Chart chart, int width = 640, int height = 280)
    {
        var svg = Build(chart).GetSvgXml(width, height);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
    }

    /// <summary>Draws the chart into a rectangle of a canvas (the PDF report's pages).</summary>
    public static void Draw(Chart chart, SKCanvas canvas, SKRect rect)
    {
        canvas.Save();
        canvas.Translate(rect.Left, rect.Top);
        Build(chart).Render(canvas, (int)rect.Width, (int)rect.Height);
        canvas.Restore();
    }

    private static Plot Build(Chart chart)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        plot.Axes.Left.Label.Text = chart.ValueLabel;
        plot.Axes.Left.Label.FontSize = 13;
        var positions = Enumerable.Range(0, chart.Categories.Count).Select(i => (double)i).ToArray();
        var ticks = positions.Select((p, i) => new Tick(p, chart.Categories[i])).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        var colour = 0;
        switch (chart.Kind)
        {
            case ChartKind.Line:
                foreach (var series in chart.Series)
                {
                    var points = series.Values.Select((v, i) => (v, i)).Where(p => p.v is not null).ToList();
                    var line = plot.Add.Scatter(points.Select(p => (double)p.i).ToArray(), points.Select(p => p.v!.Value).ToArray());
                    line.Color = Color.FromHex(Palette[colour++ % Palette.Length]);
                    line.LineWidth = 2;
                    line.MarkerSize = 7;
                    line.LegendText = series.Name;
                }
                break;
            case ChartKind.Bars:
            case ChartKind.StackedBars:
                var count = chart.Series.Count;
                var bars = new List<Bar>();
                var stackBase = new double[chart.Categories.Count];
                foreach (var series in chart.Series)
                {
                    var fill = Color.FromHex(Palette[colour++ % Palette.Length]);
                    plot.Legend.ManualItems.Add(new LegendItem { LabelText = series.Name, FillColor = fill });
                    for (var i = 0; i < chart.Categories.Count; i++)
                    {
                        var value = series.Values[i] ?? 0;
                        if (chart.Kind == ChartKind.StackedBars)
                        {
                            bars.Add(new Bar { Position = i, ValueBase = stackBase[i], Value = stackBase[i] + value, FillColor = fill, Size = 0.6 });
                            stackBase[i] += value;
                        }
                        else
                        {
                            var width = 0.8 / count;
                            var offset = -0.4 + width * (colour - 1) + width / 2;
                            bars.Add(new Bar { Position = i + offset, Value = value, FillColor = fill, Size = width * 0.9 });
                        }
                    }
                }
                plot.Add.Bars(bars);
                break;
        }
        if (chart.Target is { } target)
        {
            var line = plot.Add.HorizontalLine(target);
            line.Color = Color.FromHex("#444444");
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "Target";
        }
        plot.Axes.SetLimitsX(-0.6, Math.Max(0.6, chart.Categories.Count - 0.4));
        var values = chart.Series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value)
            .Concat(chart.Target is { } t ? [t] : []).DefaultIfEmpty(0).ToList();
        var min = chart.Min ?? Math.Min(0, values.Min());
        var max = chart.Max ?? Math.Max(1, values.Max() * 1.1);
        plot.Axes.SetLimitsY(min, max);
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
