using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// Swaps the partners of two proposals of the newest draft (mentor X with A and Y with B become X with B and Y
/// with A): both new pairs are locked, replacing earlier locks of those people, and the pool is re-run.
/// </summary>
public sealed class SwapPartners(TandemDb db, MatchingAccess access, RunPoolMatching run, TimeProvider clock)
{
    public async Task<Outcome<RunRequested>> RunAsync(Actor actor, Guid programId, SwapRequest request, CancellationToken ct = default)
    {
        // Rules and runs are matching: none in a closed or anonymised program (ADR 127).
        var found = await access.FindOpenAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var ids = new[] { request.FirstProposalId!.Value, request.SecondProposalId!.Value };
        var proposals = await db.Set<MatchProposal>()
            .Where(p => ids.Contains(p.Id) && db.Set<MatchDraft>().Any(d => d.Id == p.DraftId && d.ProgramId == programId && d.Status == MatchDraftStatus.Draft))
            .ToListAsync(ct);
        if (proposals.Count != 2)
        {
            return new NotFound("Name two different proposals of the program's open draft.");
        }
        var (p, q) = (proposals[0], proposals[1]);
        if (p.FirstEnrolmentId == q.FirstEnrolmentId)
        {
            return new Conflict("Both proposals have the same mentor: swapping would change nothing.");
        }
        var people = new[] { p.FirstEnrolmentId, p.SecondEnrolmentId, q.FirstEnrolmentId, q.SecondEnrolmentId };
        var peer = found.Value!.Pairing == PairingModel.PeerToPeer;
        var earlier = await db.Set<MatchRule>()
            .Where(r => r.ProgramId == programId && r.Kind == MatchRuleKind.Lock
                && (peer ? people.Contains(r.FirstEnrolmentId) || people.Contains(r.SecondEnrolmentId) : r.SecondEnrolmentId == p.SecondEnrolmentId || r.SecondEnrolmentId == q.SecondEnrolmentId))
            .ToListAsync(ct);
        var pairs = new[] { (p.FirstEnrolmentId, q.SecondEnrolmentId), (q.FirstEnrolmentId, p.SecondEnrolmentId) };
        var replaced = await db.Set<MatchRule>()
            .Where(r => r.ProgramId == programId && ((r.FirstEnrolmentId == p.FirstEnrolmentId && r.SecondEnrolmentId == q.SecondEnrolmentId)
                || (r.FirstEnrolmentId == q.FirstEnrolmentId && r.SecondEnrolmentId == p.SecondEnrolmentId)))
            .ToListAsync(ct);
        db.RemoveRange(earlier.Union(replaced));
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (first, second) in pairs)
        {
            db.Add(new MatchRule(programId, MatchRuleKind.Lock, first, second, actor.UserId, now));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("These pairs were changed by someone else at the same moment; reload and try again.");
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // A rule this save replaces was removed meanwhile (a double submit, another coordinator): ADR 111.
            return new Conflict(MatchRule.ChangedMeanwhile);
        }
        return await run.RequestForAsync(actor, found.Value!, MatchingRunReason.Swap, ct);
    }
}
