using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Outcomes;

/// <summary>Deletes a program's outcome data set; the report is empty until the next import. Returns how many rows went.</summary>
public sealed class ClearOutcomes(TandemDb db, ProgramAccess access, ILogger<ClearOutcomes> logger)
{
    public async Task<Outcome<int>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, GetOutcomeReport.OnlyCoordinators, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var deleted = await db.Set<OutcomeObservationRow>().Where(r => r.ProgramId == programId).ExecuteDeleteAsync(ct);
        logger.LogInformation("Outcome data of program {ProgramId} cleared by {UserId}: {Rows} rows", programId, actor.UserId, deleted);
        return deleted;
    }
}
