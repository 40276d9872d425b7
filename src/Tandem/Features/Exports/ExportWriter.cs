using System.Globalization;
using System.IO.Compression;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Exports;

/// <summary>
/// Writes an <see cref="ExportTable"/> as CSV (CsvHelper) or XLSX (the Open XML SDK's SAX writer), text cells neutralised,
/// row by row as the table's batches are read (ADR 123): CSV straight to the response, XLSX into a temporary file first.
/// </summary>
public static class ExportWriter
{
    /// <summary>CSV text is handed to the response in pieces of about this size (and at the end).</summary>
    private const int CsvChunk = 64 * 1024;

    public static string ContentType(ExportFormat format) => format == ExportFormat.Csv
        ? "text/csv; charset=utf-8"
        : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// The CSV, written to <paramref name="body"/> as it is made. CsvHelper writes into a small buffer that is copied to the
    /// body asynchronously (the response refuses synchronous writes) every <see cref="CsvChunk"/> bytes.
    /// </summary>
    public static async Task WriteCsvAsync(ExportTable table, Stream body, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        // RFC 4180, UTF-8 with a byte-order mark so that Excel reads accented names.
        await using var csv = CsvWriter.Create(buffer, new CsvWriterOptions { WriteByteOrderMark = true }, leaveOpen: true);
        async Task HandOverAsync()
        {
            await csv.FlushAsync(ct);
            await body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
            buffer.SetLength(0);
        }
        // A header is text someone typed too (a survey question's prompt in "Answers by person"): neutralised as the cells are.
        foreach (var column in table.Columns)
        {
            csv.WriteField(SpreadsheetText.Safe(column));
        }
        await csv.EndRecordAsync(ct);
        await foreach (var row in table.Rows.WithCancellation(ct))
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
            if (buffer.Length >= CsvChunk)
            {
                await HandOverAsync();
                await body.FlushAsync(ct);
            }
        }
        await HandOverAsync();
    }

    /// <summary>
    /// The workbook in a temporary file, positioned at its start and deleted when closed (a zip is written with seeks back to
    /// each entry's header, so it needs a seekable stream, and a file keeps it out of memory). The Open XML SDK makes the
    /// package's frame in memory (content types, relationships, workbook, styles and an empty sheet: a few kilobytes), which
    /// is then copied entry by entry into the file's zip, the sheet written there instead with <see cref="OpenXmlWriter"/>,
    /// row by row as the table's batches are read. Not <c>OpenXmlWriter.Create(WorksheetPart)</c>: the SDK opens its package
    /// for reading and writing, and System.IO.Packaging then keeps every part uncompressed in memory until the package closes
    /// (ZipArchiveMode.Update), the whole sheet's XML; it refuses a write-only package (ADR 123).
    /// </summary>
    public static async Task<FileStream> WriteXlsxFileAsync(ExportTable table, CancellationToken ct)
    {
        var frame = new MemoryStream();
        string sheetEntry;
        using (var document = SpreadsheetDocument.Create(frame, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = DateStyles();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            sheetPart.Worksheet = new Worksheet(new SheetData());
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = table.Name });
            workbook.Workbook.Save();
            sheetEntry = sheetPart.Uri.OriginalString.TrimStart('/');
        }
        frame.Position = 0;
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"tandem-export-{Guid.NewGuid():N}.xlsx"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            using (var from = new ZipArchive(frame, ZipArchiveMode.Read))
            using (var to = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var entry in from.Entries)
                {
                    await using var target = to.CreateEntry(entry.FullName, CompressionLevel.Optimal).Open();
                    if (entry.FullName == sheetEntry)
                    {
                        await WriteSheetAsync(table, target, ct);
                    }
                    else
                    {
                        await using var source = entry.Open();
                        await source.CopyToAsync(target, ct);
                    }
                }
            }
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The sheet's XML, the header row then each row as it is read: one row's elements in memory at a time.</summary>
    private static async Task WriteSheetAsync(ExportTable table, Stream part, CancellationToken ct)
    {
        using var writer = OpenXmlWriter.Create(part);
        writer.WriteStartDocument();
        writer.WriteStartElement(new Worksheet());
        writer.WriteStartElement(new SheetData());
        writer.WriteElement(Row(table.Columns.Cast<object?>()));
        await foreach (var row in table.Rows.WithCancellation(ct))
        {
            writer.WriteElement(Row(row));
        }
        writer.WriteEndElement();
        writer.WriteEndElement();
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
