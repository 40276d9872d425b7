using System.Globalization;
using QRCoder;
using SkiaSharp;

namespace Tandem.Features.Recognition;

/// <summary>
/// Draws a certificate on one A4 landscape page with SkiaSharp's PDF backend, as the program report is drawn
/// (Reports/ReportPdf): real text in DejaVu Sans when the machine has it, so the PDF is searchable and its text can be
/// read back; and a QR code of the verification link, drawn as one filled square per dark module (QRCoder gives only the
/// module matrix). docs/formats.md describes what the page says.
/// </summary>
internal static class CertificatePdf
{
    private const float Width = 842;   // A4 landscape, in points
    private const float Height = 595;

    public static byte[] Render(Certificate certificate, string verifyUrl)
    {
        using var output = new MemoryStream();
        using (var document = SKDocument.CreatePdf(output, new SKDocumentPdfMetadata
        {
            Title = $"Certificate: {certificate.ProgramName}",
            Author = certificate.OrganisationName,
            Creator = "Tandem",
            Producer = "Tandem",
            Creation = certificate.IssuedAt,
        }))
        {
            using var regular = Typeface(SKFontStyle.Normal);
            using var bold = Typeface(SKFontStyle.Bold);
            var canvas = document.BeginPage(Width, Height);
            using var border = new SKPaint { Color = new SKColor(0x1f, 0x4e, 0x79), IsStroke = true, StrokeWidth = 3, IsAntialias = true };
            canvas.DrawRect(new SKRect(24, 24, Width - 24, Height - 24), border);

            var y = 110f;
            Centre(canvas, "Certificate of participation", bold, 30, ref y, 50);
            Centre(canvas, "This certifies that", regular, 14, ref y, 40);
            Centre(canvas, certificate.HolderName, bold, 28, ref y, 44);
            Centre(canvas, $"took part as {Certificates.RoleName(certificate.Role).ToLowerInvariant()} in", regular, 14, ref y, 32);
            Centre(canvas, certificate.ProgramName, bold, 20, ref y, 30);
            Centre(canvas, $"run by {certificate.OrganisationName}", regular, 14, ref y, 36);
            Centre(canvas, $"from {Day(certificate.From)} to {Day(certificate.To)}", regular, 14, ref y, 26);
            Centre(canvas, $"Confirmed service hours: {ServiceHours.Hours(certificate.ConfirmedMinutes).ToString("0.##", CultureInfo.InvariantCulture)}", bold, 14, ref y, 26);
            TrainingCompleted(canvas, certificate.Training(), regular, ref y);

            using var small = new SKFont(regular, 9);
            using var grey = new SKPaint { Color = new SKColor(0x44, 0x44, 0x44), IsAntialias = true };
            canvas.DrawText($"Issued {Day(DateOnly.FromDateTime(certificate.IssuedAt))}. Verify this certificate:", 48, Height - 70, SKTextAlign.Left, small, grey);
            canvas.DrawText(verifyUrl, 48, Height - 56, SKTextAlign.Left, small, grey);
            DrawQr(canvas, verifyUrl, new SKRect(Width - 48 - 110, Height - 48 - 110, Width - 48, Height - 48));
            document.EndPage();
            document.Close();
        }
        return output.ToArray();
    }

    /// <summary>
    /// "Training completed: A · B · C", wrapped into lines narrow enough to keep clear of the QR code and the footer;
    /// what does not fit in <see cref="TrainingLines"/> lines ends in "and N more" (ADR 68).
    /// </summary>
    private static void TrainingCompleted(SKCanvas canvas, IReadOnlyList<string> titles, SKTypeface typeface, ref float y)
    {
        if (titles.Count == 0)
        {
            return;
        }
        using var font = new SKFont(typeface, 11);
        const float maxWidth = 500;
        var lines = new List<string>();
        var line = "Training completed:";
        var shown = 0;
        foreach (var title in titles)
        {
            var piece = shown == 0 ? $" {title}" : $" · {title}";
            if (font.MeasureText(line + piece) <= maxWidth)
            {
                line += piece;
            }
            else
            {
                lines.Add(line);
                line = title;
                while (font.MeasureText(line) > maxWidth && line.Length > 1)
                {
                    line = line[..^2] + "…";
                }
            }
            shown++;
            if (lines.Count == TrainingLines)
            {
                break;
            }
        }
        if (lines.Count < TrainingLines)
        {
            lines.Add(line);
        }
        else
        {
            // The last title started a line that does not fit: say how many are left out instead.
            shown--;
            lines[^1] += $" and {titles.Count - shown} more";
        }
        using var paint = new SKPaint { Color = new SKColor(0x22, 0x22, 0x22), IsAntialias = true };
        foreach (var text in lines)
        {
            canvas.DrawText(text, Width / 2, y, SKTextAlign.Center, font, paint);
            y += 15;
        }
    }

    private const int TrainingLines = 6;

    private static string Day(DateOnly day) => day.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static SKTypeface Typeface(SKFontStyle style) =>
        SKFontManager.Default.MatchFamily("DejaVu Sans", style)
        ?? SKFontManager.Default.MatchFamily("Liberation Sans", style)
        ?? SKTypeface.FromFamilyName(null, style)
        ?? SKTypeface.Default;

    private static void Centre(SKCanvas canvas, string text, SKTypeface typeface, float size, ref float y, float advance)
    {
        using var font = new SKFont(typeface, size);
        // A long program or organisation name is made smaller until it fits the page.
        while (font.MeasureText(text) > Width - 120 && font.Size > 8)
        {
            font.Size -= 1;
        }
        using var paint = new SKPaint { Color = new SKColor(0x22, 0x22, 0x22), IsAntialias = true };
        canvas.DrawText(text, Width / 2, y, SKTextAlign.Center, font, paint);
        y += advance;
    }

    /// <summary>The QR code of <paramref name="text"/> in <paramref name="area"/> (a square), quiet zone included.</summary>
    internal static void DrawQr(SKCanvas canvas, string text, SKRect area)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix;
        var size = modules.Count;
        var cell = Math.Min(area.Width, area.Height) / size;
        using var dark = new SKPaint { Color = SKColors.Black, IsAntialias = false, Style = SKPaintStyle.Fill };
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++)
            {
                if (modules[row][column])
                {
                    canvas.DrawRect(SKRect.Create(area.Left + column * cell, area.Top + row * cell, cell, cell), dark);
                }
            }
        }
    }
}
