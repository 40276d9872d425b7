using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>Edits a program's design. Closed programs are read-only.</summary>
public sealed class UpdateProgram(TandemDb db, ProgramAccess access, GetProgram getProgram, TimeProvider clock)
{
    public async Task<Outcome<ProgramDetails>> RunAsync(Actor actor, Guid programId, ProgramInput input, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, withObjectives: true);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        if (program.Status == ProgramStatus.Closed)
        {
            return new Conflict("A closed program can no longer be edited.");
        }
        program.Describe(input.ToDesign(), clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return await getProgram.RunAsync(actor, programId, ct);
    }
}
