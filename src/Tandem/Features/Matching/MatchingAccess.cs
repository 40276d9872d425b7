using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>Coordinators only: 404 when the program is not visible, 403 when visible but not managed (the check is ProgramAccess's).</summary>
public sealed class MatchingAccess(ProgramAccess programs, IProgramRetention retention)
{
    public const string Closed = "A closed program matches nobody any more: its relationships have ended or are ending.";
    public const string Retained = "This program's data has been anonymised after it closed, so it takes no more matching.";

    public Task<Outcome<MentorshipProgram>> FindAsync(Actor actor, Guid programId, CancellationToken ct) =>
        programs.FindManagedAsync(actor, programId, ct, forbidden: "Only the program's coordinators can do this.", tracked: false);

    /// <summary>
    /// <see cref="FindAsync"/> for what makes or publishes matches: a closed or anonymised program is 409. Retention
    /// completes every pair of a closed program (ADR 109), so matching there would start relationships nobody runs (ADR 111).
    /// </summary>
    public async Task<Outcome<MentorshipProgram>> FindOpenAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var found = await FindAsync(actor, programId, ct);
        if (found.Failure is not null)
        {
            return found;
        }
        return await RefusalAsync(retention, found.Value!.Id, found.Value.Status, ct) is { } refused ? refused : found;
    }

    /// <summary><see cref="RefusalAsync(IProgramRetention, Guid, ProgramStatus, CancellationToken)"/> reading the program's status.</summary>
    public static async Task<Failure?> RefusalAsync(TandemDb db, IProgramRetention retention, Guid programId, CancellationToken ct) =>
        await RefusalAsync(retention, programId, await db.Programs.Where(p => p.Id == programId).Select(p => p.Status).SingleAsync(ct), ct);

    /// <summary>409 when the program is closed or its data anonymised; null when it may still match.</summary>
    public static async Task<Failure?> RefusalAsync(IProgramRetention retention, Guid programId, ProgramStatus status, CancellationToken ct)
    {
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        return status == ProgramStatus.Closed ? new Conflict(Closed) : null;
    }
}
