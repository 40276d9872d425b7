using System.Globalization;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Exports;

/// <summary>Writes an <see cref="ExportTable"/> as CSV (CsvHelper) or XLSX (the Open XML SDK), text cells neutralised.</summary>
public static class ExportWriter
{
    public static string ContentType(ExportFormat format) => format == ExportFormat.Csv
        ? "text/csv; charset=utf-8"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static async Task<byte[]> WriteAsync(ExportTable table, ExportFormat format, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        if (format == ExportFormat.Csv)
        {
            await WriteCsvAsync(table, buffer, ct);
        }
        else
        {
            WriteXlsx(table, buffer);
        }
        return buffer.ToArray();
    }

    private static async Task WriteCsvAsync(ExportTable table, Stream stream, CancellationToken ct)
    {
        // RFC 4180, UTF-8 with a byte-order mark so that Excel reads accented names.
        await using var csv = CsvWriter.Create(stream, new CsvWriterOptions { WriteByteOrderMark = true }, leaveOpen: true);
        // A header is text someone typed too (a survey question's prompt in "Answers by person"): neutralised as the cells are.
        foreach (var column in table.Columns)
        {
            csv.WriteField(SpreadsheetText.Safe(column));
        }
        await csv.EndRecordAsync(ct);
        foreach (var row in table.Rows)
        {
            foreach (var cell in row)
            {
                csv.WriteField(cell switch
                {
                    null => "",
                    string text => SpreadsheetText.Safe(text),
                    DateTime at => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
                    var other => SpreadsheetText.Safe(other.ToString()),
                });
            }
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    private static void WriteXlsx(ExportTable table, Stream stream)
    {
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        workbook.Workbook = new Workbook();
        var styles = workbook.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = DateStyles();
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        data.Append(Row(table.Columns.Cast<object?>()));
        foreach (var row in table.Rows)
        {
            data.Append(Row(row));
        }
        sheetPart.Worksheet = new Worksheet(data);
        var sheets = workbook.Workbook.AppendChild(new Sheets());
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = table.Name });
        workbook.Workbook.Save();
    }

    private static Row Row(IEnumerable<object?> cells)
    {
        var row = new Row();
        foreach (var cell in cells)
        {
            row.Append(cell switch
            {
                null => new Cell(),
                string text => Text(XmlText(SpreadsheetText.Safe(text)!)),
                DateTime at => new Cell { CellValue = new CellValue(at.ToOADate().ToString(CultureInfo.InvariantCulture)), StyleIndex = 1 },
                int or long or double or decimal => new Cell { CellValue = new CellValue(((IFormattable)cell).ToString(null, CultureInfo.InvariantCulture)), DataType = CellValues.Number },
                var other => Text(XmlText(SpreadsheetText.Safe(other.ToString()) ?? "")),
            });
        }
        return row;
    }

    /// <summary>
    /// The text without what XML 1.0 cannot hold (the Open XML SDK throws on it, a 500): C0 controls other than tab, CR and LF
    /// are dropped (a vertical tab pasted from a word processor), as are U+FFFE and U+FFFF; a lone surrogate becomes U+FFFD.
    /// </summary>
    internal static string XmlText(string text)
    {
        var clean = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                clean.Append('\uFFFD');
            }
            else if (System.Xml.XmlConvert.IsXmlChar(c))
            {
                clean.Append(c);
            }
        }
        return clean.ToString();
    }

    /// <summary>An inline string: stored as text, never as a formula, whatever it starts with.</summary>
    private static Cell Text(string text) => new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve })) { DataType = CellValues.InlineString };

    /// <summary>Style 0 is the default; style 1 shows a date and time (built-in number format 22, "m/d/yy h:mm").</summary>
    private static Stylesheet DateStyles() => new(
        new Fonts(new Font()),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 22, ApplyNumberFormat = true }));
}
