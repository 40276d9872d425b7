using System.Globalization;
using CsvHelper;

namespace Tandem.Features.Outcomes;

/// <summary>One problem in an outcome file, on a line as a text editor numbers them (the header is line 1).</summary>
public sealed record OutcomeCsvError(int Line, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"line {Line}: {Message}" : $"line {Line}, {Column}: {Message}";
}

/// <summary>The observations of a valid file, or every problem found in an invalid one.</summary>
public sealed record OutcomeCsvResult(IReadOnlyList<OutcomeObservation> Observations, IReadOnlyList<OutcomeCsvError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads an outcome CSV (docs/formats.md, "Outcome CSV"): the header <c>person,group,measure,pre,post</c>,
/// then one line per person and measure. Pure, no database. A row with an empty pre or post is kept
/// (the analysis leaves it out and counts it); anything else that does not fit is an error naming the
/// line and column, and every error in the file is reported.
/// </summary>
public static class OutcomeCsv
{
    public static readonly string[] Columns = ["person", "group", "measure", "pre", "post"];

    private const NumberStyles Numeric = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;

    public static OutcomeCsvResult Read(TextReader reader)
    {
        var observations = new List<OutcomeObservation>();
        var errors = new List<OutcomeCsvError>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
        };
        using var csv = CsvReader.Create(reader, options, leaveOpen: true);
        try
        {
            csv.ReadHeader();
            var columns = ReadHeader(csv.Headers.ToArray(), errors);
            if (errors.Count > 0)
            {
                // Without the right columns the rows cannot be read; more errors would only be noise.
                return new OutcomeCsvResult([], errors);
            }
            var headerWidth = csv.Headers.Count;
            var firstLineOf = new Dictionary<(string, string), int>(PersonMeasureComparer.Instance);
            var groupOf = new Dictionary<string, (OutcomeGroup Group, int Line)>(StringComparer.OrdinalIgnoreCase);
            var rows = 0;
            while (csv.Read())
            {
                rows++;
                var line = (int)csv.LineNumber;
                var before = errors.Count;
                if (csv.FieldCount < headerWidth
                    || Enumerable.Range(headerWidth, Math.Max(0, csv.FieldCount - headerWidth)).Any(i => !csv.IsEmpty(i)))
                {
                    errors.Add(new OutcomeCsvError(line, null, $"This line has {csv.FieldCount} values; the header has {headerWidth} columns."));
                    continue;
                }
                var holdsNul = false;
                for (var i = 0; i < headerWidth; i++)
                {
                    if (csv.GetString(i).Contains('\0'))
                    {
                        // PostgreSQL cannot store it, and no identifier or number holds one: a damaged file, or UTF-16 without a byte-order mark.
                        errors.Add(new OutcomeCsvError(line, Columns.FirstOrDefault(c => columns[c] == i) ?? $"column {i + 1}",
                            "This value holds a NUL character (byte 0), which no identifier or number can contain. The file may be damaged, or UTF-16 without a byte-order mark."));
                        holdsNul = true;
                    }
                }
                if (holdsNul)
                {
                    continue;
                }
                string Field(string column) => csv.GetString(columns[column]).Trim();

                var person = Field("person");
                if (person.Length == 0)
                {
                    errors.Add(new OutcomeCsvError(line, "person", "The person is missing."));
                }
                var measure = Field("measure");
                if (measure.Length == 0)
                {
                    errors.Add(new OutcomeCsvError(line, "measure", "The measure is missing."));
                }
                var group = Group(Field("group"), line, errors);
                var pre = Number(Field("pre"), line, "pre", errors);
                var post = Number(Field("post"), line, "post", errors);

                if (person.Length > 0 && measure.Length > 0)
                {
                    if (!firstLineOf.TryAdd((person, measure), line))
                    {
                        errors.Add(new OutcomeCsvError(line, null,
                            $"'{person}' already has a '{measure}' row on line {firstLineOf[(person, measure)]}; give each person one row per measure."));
                    }
                }
                if (person.Length > 0 && group is { } g)
                {
                    if (groupOf.TryGetValue(person, out var earlier) && earlier.Group != g)
                    {
                        errors.Add(new OutcomeCsvError(line, "group",
                            $"'{person}' is in the {Name(earlier.Group)} group on line {earlier.Line}; a person belongs to one group."));
                    }
                    else
                    {
                        groupOf.TryAdd(person, (g, line));
                    }
                }
                if (errors.Count == before)
                {
                    observations.Add(new OutcomeObservation(person, group!.Value, measure, pre, post));
                }
            }
            if (rows == 0)
            {
                errors.Add(new OutcomeCsvError(2, null, "The file has a header but no data lines."));
            }
        }
        catch (CsvFormatException e)
        {
            // Broken quoting: the reader cannot tell where the next record starts, so stop here.
            errors.Add(new OutcomeCsvError(e.LineNumber > 0 ? (int)e.LineNumber : 1, null, "Malformed quoting: a quoted value is not closed, or a quote stands inside an unquoted value."));
        }
        return new OutcomeCsvResult(errors.Count == 0 ? observations : [], errors);
    }

    private static Dictionary<string, int> ReadHeader(string[] header, List<OutcomeCsvError> errors)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            errors.Add(new OutcomeCsvError(1, null, $"The file is empty; its first line must be the header {string.Join(",", Columns)}."));
            return columns;
        }
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (name.Length == 0)
            {
                errors.Add(new OutcomeCsvError(1, $"column {i + 1}", "This column has no name."));
            }
            else if (!Columns.Contains(name))
            {
                errors.Add(new OutcomeCsvError(1, header[i].Trim(), $"Unknown column '{header[i].Trim()}'. The columns are {string.Join(", ", Columns)}."));
            }
            else if (!columns.TryAdd(name, i))
            {
                errors.Add(new OutcomeCsvError(1, name, $"The column '{name}' appears twice."));
            }
        }
        foreach (var missing in Columns.Where(c => !columns.ContainsKey(c)))
        {
            errors.Add(new OutcomeCsvError(1, missing, $"The column '{missing}' is missing. The header must be {string.Join(",", Columns)}."));
        }
        return columns;
    }

    private static OutcomeGroup? Group(string text, int line, List<OutcomeCsvError> errors)
    {
        if (text.Equals("program", StringComparison.OrdinalIgnoreCase))
        {
            return OutcomeGroup.Program;
        }
        if (text.Equals("comparison", StringComparison.OrdinalIgnoreCase))
        {
            return OutcomeGroup.Comparison;
        }
        errors.Add(new OutcomeCsvError(line, "group", text.Length == 0
            ? "The group is missing: use program or comparison."
            : $"Unknown group '{text}': use program or comparison."));
        return null;
    }

    private static double? Number(string text, int line, string column, List<OutcomeCsvError> errors)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (double.TryParse(text, Numeric, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }
        errors.Add(new OutcomeCsvError(line, column, $"'{text}' is not a number (write decimals with a point, e.g. 3.5; leave it empty when unknown)."));
        return null;
    }

    private static string Name(OutcomeGroup group) => group == OutcomeGroup.Program ? "program" : "comparison";
}
