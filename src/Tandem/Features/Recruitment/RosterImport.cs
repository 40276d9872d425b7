using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>One problem in a roster file. Row 1 is the header; data starts at row 2 (as a spreadsheet numbers them).</summary>
public sealed record RosterError(int Row, string? Column, string Message)
{
    public override string ToString() => Column is null ? $"row {Row}: {Message}" : $"row {Row}, {Column}: {Message}";
}

public sealed record RosterRow(int Row, string Email, string FirstName, string LastName, ProgramRole Role, string? TimeZoneId, string? Group);

/// <summary>What a roster upload would do. <paramref name="Encoding"/> is how the file's bytes were read (utf-8, utf-16le, utf-16be, windows-1252).</summary>
public sealed record RosterPreview(int RowCount, IReadOnlyList<RosterRow> Rows, IReadOnlyList<RosterError> Errors, string? Encoding = null)
{
    public bool IsValid => Errors.Count == 0;
}

public sealed record RosterImportResult(int Invited, int Sent);

/// <summary>The roster has errors: nothing was written. 422 with every error, row by row.</summary>
public sealed record RosterInvalid(IReadOnlyList<RosterError> Errors)
    : Failure("The roster has errors; nothing was imported.", $"{Errors.Count} problem(s) found. Fix them and upload the file again.");

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

/// <summary>
/// Checks a roster file against the program without writing anything: every row's format, duplicates
/// in the file, and people already taking part or already holding an open invitation.
/// </summary>
public sealed class PreviewRoster(TandemDb db, ProgramAccess access, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    /// <summary>Checks an uploaded file: its bytes are decoded first (RosterEncoding), and an undecodable file is reported like a bad row.</summary>
    public Task<Outcome<RosterPreview>> RunAsync(Actor actor, Guid programId, RosterFile file, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => RosterEncoding.Decode(file), ct);

    /// <summary>Checks roster text (a confirmation posts back the text it previewed).</summary>
    public Task<Outcome<RosterPreview>> RunAsync(Actor actor, Guid programId, string csv, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => new RosterText(csv, null), ct);

    private async Task<Outcome<RosterPreview>> RunAsync(Actor actor, Guid programId, Func<Outcome<RosterText>> read, CancellationToken ct)
    {
        var found = await FindRecruitingAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var text = read();
        return text.Failure is RosterInvalid undecodable
            ? new RosterPreview(0, [], undecodable.Errors)
            : await CheckAsync(found.Value!, text.Value!, ct);
    }

    /// <summary>
    /// Whether the actor may upload a roster to the program now: the endpoints ask this before they read a byte of
    /// the body, so that a stranger's upload is 404 (not 413) whatever its size.
    /// </summary>
    public async Task<Failure?> RefusalAsync(Actor actor, Guid programId, CancellationToken ct = default) =>
        (await FindRecruitingAsync(db, access, actor, programId, ct)).Failure;

    internal static async Task<Outcome<MentorshipProgram>> FindRecruitingAsync(TandemDb db, ProgramAccess access, Actor actor, Guid programId, CancellationToken ct)
    {
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is not null)
        {
            return found;
        }
        return RecruitmentRules.NotRecruitingProblem(found.Value!) is { } notRecruiting ? notRecruiting : found;
    }

    internal async Task<RosterPreview> CheckAsync(MentorshipProgram program, RosterText roster, CancellationToken ct)
    {
        var csv = roster.Text;
        if (Encoding.UTF8.GetByteCount(csv) > options.Value.MaxRosterBytes)
        {
            return new RosterPreview(0, [], [new RosterError(0, null, $"The file is larger than {options.Value.MaxRosterBytes / 1024} KB.")], roster.Encoding);
        }
        var (rows, errors, count) = RosterCsv.Read(new StringReader(csv), program, options.Value.MaxRosterRows);
        var emails = rows.Select(r => Invitation.Normalize(r.Email)).ToList();
        if (emails.Count > 0)
        {
            var (enrolled, invited) = await RecruitmentRules.TakenAsync(db, program.Id, emails, clock.GetUtcNow().UtcDateTime, ct);
            foreach (var row in rows.ToList())
            {
                var email = Invitation.Normalize(row.Email);
                string? problem = enrolled.Contains(email) ? $"{row.Email} already takes part in this program."
                    : invited.Contains(email) ? $"{row.Email} already has an open invitation to this program."
                    : null;
                if (problem is not null)
                {
                    errors.Add(new RosterError(row.Row, "email", problem));
                    rows.Remove(row);
                }
            }
        }
        return new RosterPreview(count, rows, errors.OrderBy(e => e.Row).ToList(), roster.Encoding);
    }
}

/// <summary>
/// Imports a roster: the same checks as the preview, then every row becomes an invitation in one
/// transaction (all or nothing), then the e-mails go out.
/// </summary>
public sealed class ImportRoster(TandemDb db, ProgramAccess access, PreviewRoster preview, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock,
    ILogger<ImportRoster> logger)
{
    public Task<Outcome<RosterImportResult>> RunAsync(Actor actor, Guid programId, RosterFile file, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => RosterEncoding.Decode(file), ct);

    public Task<Outcome<RosterImportResult>> RunAsync(Actor actor, Guid programId, string csv, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => new RosterText(csv, null), ct);

    private async Task<Outcome<RosterImportResult>> RunAsync(Actor actor, Guid programId, Func<Outcome<RosterText>> read, CancellationToken ct)
    {
        var found = await PreviewRoster.FindRecruitingAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var text = read();
        if (text.Failure is { } undecodable)
        {
            return undecodable;
        }
        var checkedRoster = await preview.CheckAsync(program, text.Value!, ct);
        if (!checkedRoster.IsValid)
        {
            logger.LogInformation("Roster for program {ProgramId} refused: {Errors} row errors", programId, checkedRoster.Errors.Count);
            return new RosterInvalid(checkedRoster.Errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now.AddDays(options.Value.InvitationLifetimeDays);
        var batch = new List<(Invitation, string)>();
        foreach (var row in checkedRoster.Rows)
        {
            var (token, hash) = Invitation.NewToken();
            var invitation = Invitation.ToApply(program, row.Email, row.Role, InvitationSource.Roster, actor.UserId == Guid.Empty ? null : actor.UserId,
                hash, now, expires, new InviteeDetails(row.FirstName, row.LastName, row.TimeZoneId, row.Group));
            db.Add(invitation);
            batch.Add((invitation, token));
        }
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        var sent = await mailer.SendAsync(batch, ct);
        logger.LogInformation("Roster imported into program {ProgramId} by {UserId}: {Invited} invitations, {Sent} e-mailed now (the rest queued)",
            programId, actor.UserId, batch.Count, sent);
        return new RosterImportResult(batch.Count, sent);
    }
}
