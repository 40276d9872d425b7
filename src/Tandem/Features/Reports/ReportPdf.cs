using SkiaSharp;

namespace Tandem.Features.Reports;

/// <summary>
/// A minimal A4 page writer over SkiaSharp's PDF backend (the library ScottPlot draws with): wrapped text,
/// headings, charts, and a new page when the current one is full. Text is real PDF text (searchable,
/// copyable), in DejaVu Sans when the machine has it (docs/operations.md).
/// </summary>
internal sealed class ReportPdf : IDisposable
{
    private const float Width = 595;   // A4 in points
    private const float Height = 842;
    private const float Margin = 48;

    private readonly SKDocument document;
    private readonly SKTypeface regular;
    private readonly SKTypeface bold;
    private SKCanvas? canvas;
    private float y;
    private int pages;

    public ReportPdf(Stream output, string title, DateTime createdAt)
    {
        document = SKDocument.CreatePdf(output, new SKDocumentPdfMetadata
        {
            Title = title,
            Creator = "Tandem",
            Producer = "Tandem",
            Creation = createdAt,
        });
        regular = Typeface(SKFontStyle.Normal);
        bold = Typeface(SKFontStyle.Bold);
    }

    public int Pages => pages;

    private static SKTypeface Typeface(SKFontStyle style) =>
        SKFontManager.Default.MatchFamily("DejaVu Sans", style)
        ?? SKFontManager.Default.MatchFamily("Liberation Sans", style)
        ?? SKTypeface.FromFamilyName(null, style)
        ?? SKTypeface.Default;

    public void Heading(string text, float size = 16)
    {
        Space(size * 0.6f);
        Text(text, size, isBold: true, keepWithNext: size * 3);
    }

    public void Text(string text, float size = 10.5f, bool isBold = false, SKColor? colour = null, float keepWithNext = 0)
    {
        using var font = new SKFont(isBold ? bold : regular, size);
        using var paint = new SKPaint { Color = colour ?? new SKColor(0x22, 0x22, 0x22), IsAntialias = true };
        var lineHeight = size * 1.35f;
        var lines = Wrap(text, font, Width - 2 * Margin);
        Ensure(lineHeight + keepWithNext);
        foreach (var line in lines)
        {
            Ensure(lineHeight);
            canvas!.DrawText(line, Margin, y + size, SKTextAlign.Left, font, paint);
            y += lineHeight;
        }
    }

    public void Chart(Chart chart, float height = 220)
    {
        if (chart.IsEmpty)
        {
            Text($"{chart.Title}: nothing to show yet.", 10, colour: new SKColor(0x66, 0x66, 0x66));
            return;
        }
        Ensure(height + 24);
        Text(chart.Title, 11, isBold: true);
        ChartDrawing.Draw(chart, canvas!, new SKRect(Margin, y, Width - Margin, y + height));
        y += height + 8;
    }

    public void Space(float points)
    {
        if (canvas is not null)
        {
            y += points;
        }
    }

    private void Ensure(float needed)
    {
        if (canvas is null || y + needed > Height - Margin)
        {
            if (canvas is not null)
            {
                document.EndPage();
            }
            canvas = document.BeginPage(Width, Height);
            pages++;
            y = Margin;
        }
    }

    private static List<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r", "").Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && font.MeasureText(candidate) > width)
                {
                    lines.Add(line);
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }
            lines.Add(line);
        }
        return lines;
    }

    public void Dispose()
    {
        if (canvas is not null)
        {
            document.EndPage();
        }
        document.Close();
        document.Dispose();
        regular.Dispose();
        bold.Dispose();
    }
}
