using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>Moves a program along draft → recruiting → matching → running → closed (valid steps only).</summary>
public sealed class ChangeProgramStatus(TandemDb db, ProgramAccess access, GetProgram getProgram, TimeProvider clock)
{
    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid programId, ProgramStatus next, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var from = program.Status;
        if (!program.MoveTo(next, clock.GetUtcNow().UtcDateTime))
        {
            var allowed = MentorshipProgram.AllowedNext(from);
            return new Conflict(allowed.Count == 0
                ? $"A {from} program cannot change status."
                : $"A {from} program can move to {string.Join(" or ", allowed)}, not {next}.");
        }
        await db.SaveChangesAsync(ct);
        return await getProgram.RunAsync(actor, programId, ct);
    }
}
