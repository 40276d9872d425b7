using CsvHelper;
using Tandem.Features.Programs;

namespace Tandem.Features.Recruitment;

/// <summary>Reads and checks a roster CSV (see docs/formats.md, "Roster CSV"); pure, no database.</summary>
public static class RosterCsv
{
    public static readonly string[] Required = ["email", "first_name", "last_name", "role"];
    public static readonly string[] Optional = ["time_zone", "group"];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["e_mail"] = "email",
        ["email_address"] = "email",
        ["firstname"] = "first_name",
        ["given_name"] = "first_name",
        ["lastname"] = "last_name",
        ["surname"] = "last_name",
        ["family_name"] = "last_name",
        ["timezone"] = "time_zone",
        ["year"] = "group",
        ["class"] = "group",
    };

    public static (List<RosterRow> Rows, List<RosterError> Errors, int RowCount) Read(TextReader reader, MentorshipProgram program, int maxRows)
    {
        var rows = new List<RosterRow>();
        var errors = new List<RosterError>();
        var options = new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
        };
        using var csv = CsvReader.FromText(reader.ReadToEnd(), options);
        csv.ReadHeader();
        var header = csv.Headers.ToArray();
        if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
        {
            errors.Add(new RosterError(1, null, "The file is empty. The first row must name the columns: " + string.Join(",", Required) + "."));
            return (rows, errors, 0);
        }
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            var name = Canonical(header[i]);
            if (name.Contains('\0'))
            {
                errors.Add(new RosterError(1, $"column {i + 1}", "This column's name holds a NUL character (byte 0). The file may be damaged, or UTF-16 without a byte-order mark."));
            }
            else if (name.Length == 0)
            {
                errors.Add(new RosterError(1, $"column {i + 1}", "This column has no name."));
            }
            else if (!Required.Contains(name) && !Optional.Contains(name))
            {
                errors.Add(new RosterError(1, header[i], $"Unknown column '{header[i]}'. Known columns: {string.Join(", ", Required.Concat(Optional))}."));
            }
            else if (!columns.TryAdd(name, i))
            {
                errors.Add(new RosterError(1, header[i], $"The column '{name}' appears twice."));
            }
        }
        foreach (var missing in Required.Where(r => !columns.ContainsKey(r)))
        {
            errors.Add(new RosterError(1, missing, $"The required column '{missing}' is missing."));
        }

        var firstRowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        while (csv.Read())
        {
            count++;
            var row = (int)csv.LineNumber;
            if (count > maxRows)
            {
                errors.Add(new RosterError(row, null, $"A roster holds at most {maxRows} rows; split the file."));
                break;
            }
            string Field(string column) =>
                columns.TryGetValue(column, out var index) && index < csv.FieldCount ? csv.GetString(index).Trim() : "";
            var rowErrors = errors.Count;
            for (var i = 0; i < csv.FieldCount; i++)
            {
                if (csv.GetString(i).Contains('\0'))
                {
                    // PostgreSQL cannot store it, and no name holds one: a damaged file or UTF-16 without a byte-order mark.
                    errors.Add(new RosterError(row, i < header.Length ? Canonical(header[i]).Replace("\0", "") : $"column {i + 1}",
                        "This value holds a NUL character (byte 0), which no name or address can contain. The file may be damaged, or UTF-16 without a byte-order mark."));
                }
            }
            if (csv.FieldCount > header.Length && Enumerable.Range(header.Length, csv.FieldCount - header.Length).Any(i => !csv.IsEmpty(i)))
            {
                errors.Add(new RosterError(row, null, $"This row has {csv.FieldCount} values but the header names {header.Length} columns."));
            }

            var email = Field("email");
            if (columns.ContainsKey("email"))
            {
                if (email.Length == 0)
                {
                    errors.Add(new RosterError(row, "email", "The e-mail address is missing."));
                }
                else if (!RecruitmentRules.IsEmail(email))
                {
                    errors.Add(new RosterError(row, "email", $"'{email}' is not a valid e-mail address."));
                }
                else if (!firstRowOf.TryAdd(Invitation.Normalize(email), row))
                {
                    errors.Add(new RosterError(row, "email", $"{email} is a duplicate of row {firstRowOf[Invitation.Normalize(email)]}."));
                }
            }
            var first = Field("first_name");
            var last = Field("last_name");
            if (columns.ContainsKey("first_name") && first.Length == 0)
            {
                errors.Add(new RosterError(row, "first_name", "The first name is missing."));
            }
            if (first.Length > 100)
            {
                errors.Add(new RosterError(row, "first_name", "The first name is longer than 100 characters."));
            }
            if (columns.ContainsKey("last_name") && last.Length == 0)
            {
                errors.Add(new RosterError(row, "last_name", "The last name is missing."));
            }
            if (last.Length > 100)
            {
                errors.Add(new RosterError(row, "last_name", "The last name is longer than 100 characters."));
            }
            var roleText = Field("role");
            ProgramRole role = default;
            if (columns.ContainsKey("role"))
            {
                if (!Enum.TryParse(roleText, ignoreCase: true, out role) || !Enum.IsDefined(role) || roleText.Any(char.IsDigit))
                {
                    errors.Add(new RosterError(row, "role", $"Unknown role '{roleText}'. Use {(program.Pairing == PairingModel.PeerToPeer ? "peer" : "mentor or mentee")}."));
                }
                else if (RecruitmentRules.RoleProblem(program, role) is { } problem)
                {
                    errors.Add(new RosterError(row, "role", problem));
                }
            }
            var zone = Field("time_zone");
            if (zone.Length > 0 && (zone.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)))
            {
                errors.Add(new RosterError(row, "time_zone", $"'{zone}' is not a known IANA time zone (e.g. Europe/London)."));
            }
            var group = Field("group");
            if (group.Length > 100)
            {
                errors.Add(new RosterError(row, "group", "The group is longer than 100 characters."));
            }
            if (errors.Count == rowErrors)
            {
                rows.Add(new RosterRow(row, email, first, last, role, zone.Length == 0 ? null : zone, group.Length == 0 ? null : group));
            }
        }
        if (count == 0 && errors.Count == 0)
        {
            errors.Add(new RosterError(2, null, "The file has a header but no rows."));
        }
        return (rows, errors, count);
    }

    private static string Canonical(string header)
    {
        var name = new string(header.Trim().TrimStart('\uFEFF').ToLowerInvariant().Select(c => c is ' ' or '-' ? '_' : c).ToArray());
        return Aliases.GetValueOrDefault(name, name);
    }
}
