using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>The program's review criteria, in order.</summary>
public sealed class ListReviewCriteria(TandemDb db, ScreeningAccess access)
{
    public async Task<Outcome<List<CriterionView>>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: false, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return await QueryAsync(db, programId, ct);
    }

    internal static async Task<List<CriterionView>> QueryAsync(TandemDb db, Guid programId, CancellationToken ct) =>
        await db.Set<ReviewCriterion>().Where(c => c.ProgramId == programId).OrderBy(c => c.Position)
            .Select(c => new CriterionView(c.Id, c.Name, c.Description, c.Position)).ToListAsync(ct);
}
