namespace Tandem.Features.Exports;

/// <summary>What a coordinator can download about a program.</summary>
public enum ExportKind { Participants, Relationships, Meetings, CheckIns }

/// <summary>The file formats of an export: CSV (UTF-8 with a byte-order mark, so Excel reads accents) and XLSX.</summary>
public enum ExportFormat { Csv, Xlsx }

/// <summary>
/// One export as a table: a header and rows of cells (string, number, date or empty). Text cells are neutralised
/// against formula injection when written (<see cref="Infrastructure.Text.SpreadsheetText.Safe"/>), in both formats.
/// </summary>
public sealed record ExportTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

public static class ExportCells
{
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
}
