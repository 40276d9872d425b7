using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

public sealed class RemoveMatchRule(TandemDb db, MatchingAccess access)
{
    public async Task<Outcome<bool>> RunAsync(Actor actor, Guid programId, Guid ruleId, CancellationToken ct = default)
    {
        // Rules and runs are matching: none in a closed or anonymised program (ADR 127).
        var found = await access.FindOpenAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var removed = await db.Set<MatchRule>().Where(r => r.Id == ruleId && r.ProgramId == programId).ExecuteDeleteAsync(ct);
        return removed == 0 ? new NotFound("No such rule in this program.") : true;
    }
}
