using System.Text;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// Checks a roster file against the program without writing anything: every row's format, duplicates
/// in the file, and people already taking part, already applied (or held back by the consent gate) or already holding an
/// open invitation (ADR 106).
/// </summary>
public sealed class PreviewRoster(TandemDb db, ProgramAccess access, IProgramApplicants applicants, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    /// <summary>Checks an uploaded file: its bytes are decoded first (RosterEncoding), and an undecodable file is reported like a bad row.</summary>
    public Task<Outcome<RosterPreview>> RunAsync(Actor actor, Guid programId, RosterFile file, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => RosterEncoding.Decode(file), ct);

    /// <summary>Checks roster text (a confirmation posts back the text it previewed).</summary>
    public Task<Outcome<RosterPreview>> RunAsync(Actor actor, Guid programId, string csv, CancellationToken ct = default) =>
        RunAsync(actor, programId, () => new RosterText(csv, null), ct);

    private async Task<Outcome<RosterPreview>> RunAsync(Actor actor, Guid programId, Func<Outcome<RosterText>> read, CancellationToken ct)
    {
        var opened = await OpenAsync(actor, programId, read, ct);
        return opened.Failure is { } failure ? failure : opened.Value.Roster;
    }

    /// <summary>
    /// How the preview and the import both begin: the program, when the actor may recruit into it now, and the file
    /// read and checked against it (a file that cannot be decoded comes back as a roster of its decoding errors).
    /// </summary>
    internal async Task<Outcome<(MentorshipProgram Program, RosterPreview Roster)>> OpenAsync(
        Actor actor, Guid programId, Func<Outcome<RosterText>> read, CancellationToken ct)
    {
        var found = await FindRecruitingAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var text = read();
        var roster = text.Failure is RosterInvalid undecodable
            ? new RosterPreview(0, [], undecodable.Errors)
            : await CheckAsync(found.Value!, text.Value!, ct);
        return (found.Value!, roster);
    }

    /// <summary>
    /// Whether the actor may upload a roster to the program now: the endpoints ask this before they read a byte of
    /// the body, so that a stranger's upload is 404 (not 413) whatever its size.
    /// </summary>
    public async Task<Failure?> RefusalAsync(Actor actor, Guid programId, CancellationToken ct = default) =>
        (await FindRecruitingAsync(db, access, actor, programId, ct)).Failure;

    private static async Task<Outcome<MentorshipProgram>> FindRecruitingAsync(TandemDb db, ProgramAccess access, Actor actor, Guid programId, CancellationToken ct)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is not null)
        {
            return found;
        }
        return RecruitmentRules.NotRecruitingProblem(found.Value!) is { } notRecruiting ? notRecruiting : found;
    }

    private async Task<RosterPreview> CheckAsync(MentorshipProgram program, RosterText roster, CancellationToken ct)
    {
        var csv = roster.Text;
        if (Encoding.UTF8.GetByteCount(csv) > options.Value.MaxRosterBytes)
        {
            return new RosterPreview(0, [], [new RosterError(0, null, $"The file is larger than {options.Value.MaxRosterBytes / 1024} KB.")], roster.Encoding);
        }
        var (rows, errors, count) = RosterCsv.Read(new StringReader(csv), program, options.Value.MaxRosterRows);
        errors.AddRange(await TakenRowsAsync(db, applicants, program.Id, rows, clock.GetUtcNow().UtcDateTime, ct));
        return new RosterPreview(count, rows, errors.OrderBy(e => e.Row).ToList(), roster.Encoding);
    }

    /// <summary>
    /// The rows whose address the program may not invite (<see cref="RecruitmentRules.TakenAsync"/>), each as an error on its
    /// e-mail, taken out of <paramref name="rows"/>: the preview's check, and the import's again behind the program's lock.
    /// </summary>
    internal static async Task<List<RosterError>> TakenRowsAsync(TandemDb db, IProgramApplicants applicants, Guid programId, List<RosterRow> rows,
        DateTime now, CancellationToken ct)
    {
        var errors = new List<RosterError>();
        if (rows.Count == 0)
        {
            return errors;
        }
        var taken = await RecruitmentRules.TakenAsync(db, applicants, programId, rows.Select(r => Invitation.Normalize(r.Email)).ToList(), now, ct);
        foreach (var row in rows.ToList())
        {
            if (taken.Problem(Invitation.Normalize(row.Email), row.Email) is { } problem)
            {
                errors.Add(new RosterError(row.Row, "email", problem));
                rows.Remove(row);
            }
        }
        return errors;
    }
}
