using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Outcomes;

/// <summary>
/// A coordinator imports a program's outcome data (docs/formats.md, "Outcome CSV"). All or nothing: a file with
/// any problem is refused with every problem named by its line, and the program's previous data are kept. A valid
/// file replaces the program's whole data set in one transaction (ADR 25), so the report always shows one file.
/// </summary>
public sealed class ImportOutcomes(TandemDb db, ProgramAccess access, IProgramRetention retention, IOptions<OutcomeOptions> options, TimeProvider clock, ILogger<ImportOutcomes> logger)
{
    /// <summary>
    /// Whether the actor may import into the program: the endpoint asks before it reads a byte of the body, so that
    /// a stranger's upload is 404 (not 413) whatever its size. A program whose data retention has anonymised is 409
    /// (ADR 100): retention anonymises a program once, so identifiers imported after it would be kept for ever.
    /// </summary>
    public async Task<Failure?> RefusalAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if ((await access.FindManagedAsync(actor, programId, ct, GetOutcomeReport.OnlyCoordinators, tracked: false)).Failure is { } refused)
        {
            return refused;
        }
        return await retention.AnonymisedAtAsync(programId, ct) is { } at
            ? new Conflict(AnonymisedMessage(at))
            : null;
    }

    public static string AnonymisedMessage(DateTime at) =>
        $"This program's data were anonymised on {at.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}; outcomes can no longer be imported.";

    public long MaxFileBytes => options.Value.MaxFileBytes;

    public string TooLargeMessage => $"An outcome file may be at most {MaxFileBytes / 1024} KB.";

    /// <summary>Imports the file's bytes: UTF-8 (or UTF-16 with a byte-order mark), header person,group,measure,pre,post.</summary>
    public async Task<Outcome<OutcomeImportResult>> RunAsync(Actor actor, Guid programId, byte[] file, CancellationToken ct = default)
    {
        if (await RefusalAsync(actor, programId, ct) is { } refused)
        {
            return refused;
        }
        if (file.LongLength > MaxFileBytes)
        {
            return new TooLarge(TooLargeMessage);
        }
        var text = Decode(file);
        if (text.Failure is { } undecodable)
        {
            return undecodable;
        }
        var read = OutcomeCsv.Read(new StringReader(text.Value!));
        if (!read.IsValid)
        {
            return new OutcomeFileInvalid(read.Errors);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var rows = read.Observations.Select((o, i) => new OutcomeObservationRow(programId, i, o, now)).ToList();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Set<OutcomeObservationRow>().Where(r => r.ProgramId == programId).ExecuteDeleteAsync(ct);
            db.AddRange(rows);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two imports into one program at once: the other committed its rows first (one position, one row).
            db.ChangeTracker.Clear();
            return new Conflict("Another import of this program's outcome data finished at the same moment; look at the report, and import again if it is not your file.");
        }
        var people = read.Observations.Select(o => o.Person).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var measures = read.Observations.Select(o => o.Measure).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        logger.LogInformation("Outcome data imported into program {ProgramId} by {UserId}: {Rows} rows, {Measures} measures (replacing the previous set)",
            programId, actor.UserId, rows.Count, measures);
        return new OutcomeImportResult(rows.Count, people, measures, now);
    }

    /// <summary>
    /// The file as text: a byte-order mark says UTF-8 or UTF-16, otherwise it must be UTF-8. A file in another
    /// encoding is refused naming the first line that is not UTF-8, rather than stored with broken identifiers.
    /// </summary>
    internal static Outcome<string> Decode(byte[] bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }
        var line = 1;
        for (var rest = span; !rest.IsEmpty;)
        {
            if (System.Text.Rune.DecodeFromUtf8(rest, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return new OutcomeFileInvalid([new OutcomeCsvError(line, null,
                    "This line is not UTF-8 text. Save the file as \"CSV UTF-8\" (in Excel: Save As, CSV UTF-8) and import it again.")]);
            }
            if (rest[0] == (byte)'\n')
            {
                line++;
            }
            rest = rest[consumed..];
        }
        return Encoding.UTF8.GetString(span);
    }
}
