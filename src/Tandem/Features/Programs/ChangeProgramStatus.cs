using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>
/// Moves a program along draft → recruiting → matching → running → closed (valid steps only). Recruitment opens only
/// when the program has its code of conduct and an application form for each role it recruits (409 listing what is
/// missing). A closed program may be reopened, to the status it had, within the grace period (ADR 29), and never once
/// retention anonymised it (ADR 85, 128), whatever the grace period has since been set to.
/// </summary>
public sealed class ChangeProgramStatus(TandemDb db, ProgramAccess access, GetProgram getProgram, IRecruitmentReadiness readiness,
    IProgramRetention retention, IOptions<ProgramOptions> options,
    IEnumerable<IProgramClosedListener> closedListeners, TimeProvider clock)
{
    public const string ChangedMeanwhile = "The program's status changed while you were changing it; reload the program to see where it is now.";

    public const string Retained = "This program's data has been anonymised after it closed, so it is never reopened. Start a new program instead.";

    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid programId, ProgramStatus next, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var from = program.Status;
        var now = clock.GetUtcNow().UtcDateTime;
        var grace = options.Value.ReopenGrace;
        if (from == ProgramStatus.Closed && await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        if (from == ProgramStatus.Closed && program.ReopenableUntil(grace) is { } until)
        {
            var reopensAs = program.ReopensAs ?? ProgramStatus.Running;
            if (now > until)
            {
                return new Conflict($"This program closed on {program.ClosedAt:d MMM yyyy}. A closed program can be reopened for "
                    + $"{options.Value.ReopenGraceDays} days, until {until:d MMM yyyy}; that time is over. Start a new program instead.");
            }
            if (next != reopensAs)
            {
                return new Conflict($"A closed program reopens as it was when it closed: {reopensAs}, not {next}.");
            }
        }
        if (next == ProgramStatus.Recruiting && await MissingForRecruitmentAsync(program, ct) is { Count: > 0 } missing)
        {
            return new Conflict(MissingSentence(missing));
        }
        var moved = from == ProgramStatus.Closed ? program.Reopen(now, grace) : program.MoveTo(next, now);
        if (!moved)
        {
            var allowed = MentorshipProgram.AllowedNext(from);
            return new Conflict(allowed.Count == 0
                ? $"A {from} program cannot change status."
                : $"A {from} program can move to {string.Join(" or ", allowed)}, not {next}.");
        }
        // Claimed from the status it was read in (ADR 114): of two coordinators moving it at once (to Running and to Closed),
        // the second finds it moved and is refused, where both used to be told yes and the program could end Running with
        // the closing's ClosedAt and ReopensAs, its certificates issued by the closed listener.
        var (movedTo, closedAt, closedFrom, updatedAt) = (program.Status, program.ClosedAt, program.ReopensAs, program.UpdatedAt);
        var claimed = await db.Programs.Where(p => p.Id == programId && p.Status == from)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, movedTo)
                .SetProperty(p => p.ClosedAt, closedAt)
                .SetProperty(p => p.ReopensAs, closedFrom)
                .SetProperty(p => p.UpdatedAt, updatedAt), ct);
        if (claimed == 0)
        {
            db.Entry(program).State = EntityState.Unchanged;
            return new Conflict(ChangedMeanwhile);
        }
        // Claimed: the save writes the same values once more and runs what a save of a program's status runs (the close's
        // follow-ups depend on it; without it a closing awarded no "program complete" badge).
        await db.SaveChangesAsync(ct);
        if (program.Status == ProgramStatus.Closed)
        {
            foreach (var listener in closedListeners)
            {
                await listener.ProgramClosedAsync(programId, ct);
            }
        }
        return await getProgram.RunAsync(actor, programId, ct);
    }

    /// <summary>What the program lacks to open recruitment (for its page, which lists it before the coordinator tries).</summary>
    public async Task<IReadOnlyList<string>> MissingForRecruitmentAsync(Guid programId, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId, ct);
        return program is null ? [] : await MissingForRecruitmentAsync(program, ct);
    }

    /// <summary>What the program lacks to open recruitment: its code of conduct, an application form for each role.</summary>
    public async Task<IReadOnlyList<string>> MissingForRecruitmentAsync(MentorshipProgram program, CancellationToken ct)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(program.Guidelines))
        {
            missing.Add("the code of conduct (the program's guidelines, on its Edit page)");
        }
        missing.AddRange(await readiness.MissingAsync(program, ct));
        return missing;
    }

    public static string MissingSentence(IReadOnlyList<string> missing) =>
        $"Recruitment cannot open yet. Missing: {string.Join("; ", missing)}.";
}
