using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;

namespace Tandem.Features.Exports;

/// <summary>What a coordinator can download about a program.</summary>
public enum ExportKind { Participants, Relationships, Meetings, CheckIns }

/// <summary>The file formats of an export: CSV (UTF-8 with a byte-order mark, so Excel reads accents) and XLSX.</summary>
public enum ExportFormat { Csv, Xlsx }

/// <summary>
/// One export as a table: a header and rows of cells (string, number, date or empty), read from the database batch by
/// batch while the file is written (ADR 123), so nothing holds a whole program's rows. Every refusal and audit entry
/// is done before the table is handed over; enumerating <see cref="Rows"/> only reads. Text cells are neutralised
/// against formula injection when written (<see cref="Infrastructure.Text.SpreadsheetText.Safe"/>), in both formats.
/// </summary>
public sealed record ExportTable(string Name, IReadOnlyList<string> Columns, IAsyncEnumerable<object?[]> Rows);

/// <summary>The exports' settings (section "Exports"; docs/operations.md).</summary>
public sealed class ExportOptions
{
    /// <summary>An Excel sheet holds 1,048,576 rows, the header one of them.</summary>
    public const int SheetDataRows = 1_048_575;

    /// <summary>Data rows an XLSX download may hold; above it the export is refused (413) and CSV, which has no limit, is the way.</summary>
    [Range(1, SheetDataRows)]
    public int XlsxMaxRows { get; set; } = SheetDataRows;
}

public static class ExportCells
{
    /// <summary>Rows read from the database per query (ADR 123): a keyset page, written before the next is read.</summary>
    public const int BatchSize = 1000;

    public static string Slug(ExportKind kind) => kind switch
    {
        ExportKind.CheckIns => "check-ins",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>csv when not given; null for anything but csv or xlsx.</summary>
    public static ExportFormat? FormatOf(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "csv" => ExportFormat.Csv,
        "xlsx" => ExportFormat.Xlsx,
        _ => null,
    };

    public static ExportKind? KindOf(string slug) =>
        Enum.GetValues<ExportKind>().Cast<ExportKind?>().FirstOrDefault(k => Slug(k!.Value) == slug.ToLowerInvariant());

    /// <summary>The refusal of an XLSX download of more rows than <see cref="ExportOptions.XlsxMaxRows"/> (413), in words.</summary>
    public static Infrastructure.Problems.TooLarge TooManyRowsForXlsx(long rows, int max) => new(
        $"This export has {rows:N0} rows, more than the {max:N0} an Excel download can hold. Download it as CSV (format=csv), which has no limit.");

    /// <summary>
    /// Keyset paging: <paramref name="pageAfter"/> reads the first <see cref="BatchSize"/> rows after the given one (null: from
    /// the start) in the export's order, whose last columns are unique (the row's id), so no row is read twice or skipped
    /// where a batch ends among equal sort keys. Each page is read in its own query when the one before has been written.
    /// </summary>
    public static async IAsyncEnumerable<List<T>> PagesAsync<T>(Func<T?, CancellationToken, Task<List<T>>> pageAfter,
        [EnumeratorCancellation] CancellationToken ct = default) where T : class
    {
        T? last = null;
        while (true)
        {
            var page = await pageAfter(last, ct);
            if (page.Count > 0)
            {
                yield return page;
            }
            if (page.Count < BatchSize)
            {
                yield break;
            }
            last = page[^1];
        }
    }
}
