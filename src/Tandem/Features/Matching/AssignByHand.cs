using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>Assigns a pair by hand: locks it (replacing the mentee's earlier lock) and re-runs, so the rest of the pool adapts.</summary>
public sealed class AssignByHand(TandemDb db, AddMatchRule addRule, RunPoolMatching run)
{
    public async Task<Outcome<MatchDraft>> RunAsync(Actor actor, Guid programId, AssignRequest request, CancellationToken ct = default)
    {
        // The mentee's (or peers') earlier locks give way to the coordinator's new choice.
        var first = request.FirstEnrolmentId!.Value;
        var second = request.SecondEnrolmentId!.Value;
        var earlier = await db.Set<MatchRule>()
            .Where(r => r.ProgramId == programId && r.Kind == MatchRuleKind.Lock
                && (r.SecondEnrolmentId == second || r.FirstEnrolmentId == second || r.SecondEnrolmentId == first)
                && !(r.FirstEnrolmentId == first && r.SecondEnrolmentId == second))
            .ToListAsync(ct);
        var rule = await addRule.RunAsync(actor, programId, new MatchRuleRequest { Kind = MatchRuleKind.Lock, FirstEnrolmentId = first, SecondEnrolmentId = second }, ct);
        if (rule.Failure is Conflict && earlier.Count > 0)
        {
            db.RemoveRange(earlier);
            await db.SaveChangesAsync(ct);
            rule = await addRule.RunAsync(actor, programId, new MatchRuleRequest { Kind = MatchRuleKind.Lock, FirstEnrolmentId = first, SecondEnrolmentId = second }, ct);
        }
        if (rule.Failure is { } failure)
        {
            return failure;
        }
        return await run.RunAsync(actor, programId, ct);
    }
}
