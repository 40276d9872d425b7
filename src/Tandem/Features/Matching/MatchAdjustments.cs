using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>
/// Locks a pair (kept on every re-run) or forbids it (never proposed). A pair has at most one rule: a new rule on
/// the same pair replaces the old one. A mentee is locked to one mentor at most, a mentor to at most their capacity.
/// </summary>
public sealed class AddMatchRule(TandemDb db, MatchingAccess access, MatchingPool pools, TimeProvider clock)
{
    public async Task<Outcome<MatchRuleView>> RunAsync(Actor actor, Guid programId, MatchRuleRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
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
        var others = rules.Except(samePair).ToList();
        if (request.Kind == MatchRuleKind.Lock)
        {
            var pool = await pools.LoadAsync(program, ct);
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
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Conflict("This pair was changed by someone else at the same moment; reload and try again.");
        }
        return new MatchRuleView(rule.Id, rule.Kind, people[first], people[second], rule.CreatedAt);
    }
}

public sealed class RemoveMatchRule(TandemDb db, MatchingAccess access)
{
    public async Task<Outcome<bool>> RunAsync(Actor actor, Guid programId, Guid ruleId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var removed = await db.Set<MatchRule>().Where(r => r.Id == ruleId && r.ProgramId == programId).ExecuteDeleteAsync(ct);
        return removed == 0 ? new NotFound("No such rule in this program.") : true;
    }
}

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

/// <summary>The best partners for one person waiting in the pool, with explanations (for assigning by hand).</summary>
public sealed class ListCandidates(MatchingAccess access, MatchingPool pools)
{
    public const int MaxLimit = 50;

    public async Task<Outcome<CandidatesView>> RunAsync(Actor actor, Guid programId, Guid enrolmentId, int limit = 10, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        var menteeIndex = pool.Mentees.ToList().FindIndex(m => m.EnrolmentId == enrolmentId);
        var mentorIndex = pool.Mentors.ToList().FindIndex(m => m.EnrolmentId == enrolmentId);
        if (menteeIndex < 0 && mentorIndex < 0)
        {
            return new NotFound("This person is not waiting in the program's pool (approved and not yet matched).");
        }
        PoolScoring scoring;
        try
        {
            scoring = new PoolScoring(pool, pool.Criteria);
        }
        catch (ArgumentException e)
        {
            return Invalid.Field("criteria", $"The matching setup cannot be used: {e.Message}");
        }
        var forbidden = pool.Rules.Where(r => r.Kind == MatchRuleKind.Forbid)
            .SelectMany(r => new[] { (r.FirstEnrolmentId, r.SecondEnrolmentId), (r.SecondEnrolmentId, r.FirstEnrolmentId) })
            .ToHashSet();
        var candidates = new List<CandidateView>();
        if (menteeIndex >= 0)
        {
            var me = pool.Mentees[menteeIndex];
            for (var j = 0; j < pool.Mentors.Count; j++)
            {
                if (pool.Mentors[j].EnrolmentId == enrolmentId)
                {
                    continue;
                }
                var explanation = scoring.ExplainPair(menteeIndex, j, out var score, out var allowed);
                candidates.Add(Candidate(pool.Mentors[j], score, allowed, forbidden.Contains((pool.Mentors[j].EnrolmentId, me.EnrolmentId)), explanation));
            }
        }
        else
        {
            var me = pool.Mentors[mentorIndex];
            for (var i = 0; i < pool.Mentees.Count; i++)
            {
                var explanation = scoring.ExplainPair(i, mentorIndex, out var score, out var allowed);
                candidates.Add(Candidate(pool.Mentees[i], score, allowed, forbidden.Contains((me.EnrolmentId, pool.Mentees[i].EnrolmentId)), explanation));
            }
        }
        var person = menteeIndex >= 0 ? pool.Mentees[menteeIndex] : pool.Mentors[mentorIndex];
        var best = candidates
            .OrderByDescending(c => c.Allowed && !c.ForbiddenByCoordinator)
            .ThenByDescending(c => c.Score)
            .ThenBy(c => c.Person.Name)
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .ToList();
        return new CandidatesView(Ref(person), best);
    }

    private static CandidateView Candidate(PoolMember member, long score, bool allowed, bool forbidden, IReadOnlyList<ProposalCriterion> explanation) =>
        new(Ref(member), score, allowed, forbidden, explanation);

    private static PersonRef Ref(PoolMember m) => new(m.EnrolmentId, m.UserId, m.Name, m.Role);
}

public sealed class SwapRequest
{
    [Required]
    public Guid? FirstProposalId { get; set; }

    [Required]
    public Guid? SecondProposalId { get; set; }
}

/// <summary>
/// Swaps the partners of two proposals of the newest draft (mentor X with A and Y with B become X with B and Y
/// with A): both new pairs are locked, replacing earlier locks of those people, and the pool is re-run.
/// </summary>
public sealed class SwapPartners(TandemDb db, MatchingAccess access, RunPoolMatching run, TimeProvider clock)
{
    public async Task<Outcome<MatchDraft>> RunAsync(Actor actor, Guid programId, SwapRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
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
        catch (DbUpdateException)
        {
            return new Conflict("These pairs were changed by someone else at the same moment; reload and try again.");
        }
        return await run.RunAsync(actor, programId, ct);
    }
}
