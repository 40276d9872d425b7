namespace Tandem.Infrastructure.Text;

/// <summary>Text that goes into a file people open in a spreadsheet (CSV or XLSX downloads).</summary>
public static class SpreadsheetText
{
    /// <summary>
    /// A text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage return) gets
    /// a leading apostrophe, so "=HYPERLINK(...)" in someone's name is shown as text and never runs (OWASP, "CSV Injection").
    /// </summary>
    public static string? Safe(string? text) =>
        text is { Length: > 0 } && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
