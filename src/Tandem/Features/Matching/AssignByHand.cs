using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// Assigns a pair by hand: locks it, replacing the earlier locks that would stand in its way (the mentee's, or in a
/// peer program of two the peers'), and re-runs, so the rest of the pool adapts. The earlier locks are removed and the
/// new one added in one save, so a refused assignment changes nothing.
/// </summary>
public sealed class AssignByHand(TandemDb db, MatchingAccess access, MatchingPool pools, AddMatchRule addRule, RunPoolMatching run)
{
    public async Task<Outcome<RunRequested>> RunAsync(Actor actor, Guid programId, AssignRequest request, CancellationToken ct = default)
    {
        // Rules and runs are matching: none in a closed or anonymised program (ADR 127).
        var found = await access.FindOpenAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var first = request.FirstEnrolmentId!.Value;
        var second = request.SecondEnrolmentId!.Value;
        var pool = await pools.LoadAsync(program, ct);
        // In peer study groups a person may be locked to several others, so nothing gives way.
        var earlier = program.Pairing == PairingModel.PeerToPeer && pool.GroupSize > 2 ? [] : await db.Set<MatchRule>()
            .Where(r => r.ProgramId == programId && r.Kind == MatchRuleKind.Lock
                && (r.SecondEnrolmentId == second || r.FirstEnrolmentId == second || r.SecondEnrolmentId == first)
                && !(r.FirstEnrolmentId == first && r.SecondEnrolmentId == second))
            .ToListAsync(ct);
        var rule = await addRule.StageAsync(actor, program, new MatchRuleRequest { Kind = MatchRuleKind.Lock, FirstEnrolmentId = first, SecondEnrolmentId = second },
            pool, earlier, ct);
        if (rule.Failure is { } refused)
        {
            return refused;
        }
        db.RemoveRange(earlier);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("This pair was changed by someone else at the same moment; reload and try again.");
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // A rule this save replaces was removed meanwhile (a double submit, another coordinator): ADR 111.
            return new Conflict(MatchRule.ChangedMeanwhile);
        }
        return await run.RequestForAsync(actor, program, MatchingRunReason.Assign, ct);
    }
}
