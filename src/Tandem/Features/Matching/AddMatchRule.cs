using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// Locks a pair (kept on every re-run) or forbids it (never proposed). A pair has at most one rule: a new rule on
/// the same pair replaces the old one. A mentee is locked to one mentor at most, a mentor to at most their capacity.
/// </summary>
public sealed class AddMatchRule(TandemDb db, MatchingAccess access, MatchingPool pools, TimeProvider clock)
{
    public async Task<Outcome<MatchRuleView>> RunAsync(Actor actor, Guid programId, MatchRuleRequest request, CancellationToken ct = default)
    {
        // Rules and runs are matching: none in a closed or anonymised program (ADR 127).
        var found = await access.FindOpenAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var staged = await StageAsync(actor, found.Value!, request, null, [], ct);
        if (staged.Failure is { } refused)
        {
            return refused;
        }
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
        return staged.Value!;
    }

    /// <summary>
    /// Checks the rule against the program's pool and rules and adds it to the unit of work without saving, so a caller
    /// can save it with its other changes in one transaction. <paramref name="replacing"/> are rules the caller removes
    /// in the same save (they do not block the new one); <paramref name="pool"/> is loaded when not given.
    /// </summary>
    internal async Task<Outcome<MatchRuleView>> StageAsync(Actor actor, MentorshipProgram program, MatchRuleRequest request, PoolData? pool,
        IReadOnlyCollection<MatchRule> replacing, CancellationToken ct)
    {
        var programId = program.Id;
        var first = request.FirstEnrolmentId!.Value;
        var second = request.SecondEnrolmentId!.Value;
        var peer = program.Pairing == PairingModel.PeerToPeer;
        var people = await People.LoadAsync(db, [first, second], ct);
        var firstRole = peer ? ProgramRole.Peer : ProgramRole.Mentor;
        var secondRole = peer ? ProgramRole.Peer : ProgramRole.Mentee;
        var enrolled = await db.Enrolments.Where(e => e.ProgramId == programId && (e.Id == first || e.Id == second)).Select(e => e.Id).ToListAsync(ct);
        if (first == second || !enrolled.Contains(first) || !enrolled.Contains(second)
            || people[first].Role != firstRole || people[second].Role != secondRole)
        {
            return Invalid.Field("firstEnrolmentId", peer
                ? "Name two different peers enrolled in this program."
                : "Name a mentor (first) and a mentee (second) enrolled in this program.");
        }
        var rules = await db.Set<MatchRule>().Where(r => r.ProgramId == programId).ToListAsync(ct);
        var samePair = rules.Where(r => (r.FirstEnrolmentId == first && r.SecondEnrolmentId == second)
            || (peer && r.FirstEnrolmentId == second && r.SecondEnrolmentId == first)).ToList();
        var others = rules.Except(samePair).Except(replacing).ToList();
        if (request.Kind == MatchRuleKind.Lock)
        {
            pool ??= await pools.LoadAsync(program, ct);
            if (pool.Find(first) is null || pool.Find(second) is null)
            {
                return new Conflict("Only people waiting in the pool (approved, not yet matched, with capacity left) can be locked together.");
            }
            var locks = others.Where(r => r.Kind == MatchRuleKind.Lock).ToList();
            var lockedElsewhere = peer
                ? pool.GroupSize > 2 ? null : locks.FirstOrDefault(r => new[] { r.FirstEnrolmentId, r.SecondEnrolmentId }.Intersect([first, second]).Any())
                : locks.FirstOrDefault(r => r.SecondEnrolmentId == second);
            if (lockedElsewhere is not null)
            {
                var partner = await People.LoadAsync(db, [lockedElsewhere.FirstEnrolmentId, lockedElsewhere.SecondEnrolmentId], ct);
                return new Conflict($"{partner[lockedElsewhere.FirstEnrolmentId].Name} and {partner[lockedElsewhere.SecondEnrolmentId].Name} are already locked together; remove that lock first.");
            }
            if (!peer && locks.Count(r => r.FirstEnrolmentId == first) >= pool.Find(first)!.Capacity)
            {
                return new Conflict($"{people[first].Name} is already locked to as many mentees as their capacity allows.");
            }
        }
        db.RemoveRange(samePair);
        var rule = new MatchRule(programId, request.Kind!.Value, first, second, actor.UserId, clock.GetUtcNow().UtcDateTime);
        db.Add(rule);
        return new MatchRuleView(rule.Id, rule.Kind, people[first], people[second], rule.CreatedAt);
    }
}
