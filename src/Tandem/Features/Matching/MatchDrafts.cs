using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Matching;

namespace Tandem.Features.Matching;

public sealed record PersonRef(Guid EnrolmentId, Guid UserId, string Name, ProgramRole Role);

public sealed record DraftFigures(int Matched, int Unmatched, double AverageScore, int PairsSharingFreeTime, int Proposals);

public sealed record ProposalView(
    Guid Id, int GroupNumber, PersonRef First, PersonRef Second, long Score, bool Locked, IReadOnlyList<ProposalCriterion> Explanation)
{
    public string Summary => string.Join("; ", Explanation.Select(c => c.Text));
}

public sealed record MatchRuleView(Guid Id, MatchRuleKind Kind, PersonRef First, PersonRef Second, DateTime CreatedAt);

public enum DraftChange { Kept, Changed, New, Dropped }

/// <summary>One person whose match differs from the previous draft (or stayed, for <see cref="DraftChange.Kept"/> counts).</summary>
public sealed record DraftChangeView(PersonRef Person, DraftChange Change, IReadOnlyList<string> Before, IReadOnlyList<string> After);

public sealed record DraftComparison(int PreviousNumber, int Kept, int Changed, int New, int Dropped, IReadOnlyList<DraftChangeView> Changes);

public sealed record MatchDraftView(
    Guid Id, Guid ProgramId, string ProgramName, PairingModel Pairing, int Number, MatchDraftStatus Status,
    DateTime CreatedAt, DateOnly? StartsOn, DateTime? PublishedAt, IReadOnlyList<SetupCriterion> Criteria, DraftFigures Figures,
    Paged<ProposalView> Proposals, IReadOnlyList<UnmatchedPerson> UnmatchedPeople, IReadOnlyList<MatchRuleView> Rules, DraftComparison? Comparison);

public sealed record CandidateView(PersonRef Person, long Score, bool Allowed, bool ForbiddenByCoordinator, IReadOnlyList<ProposalCriterion> Explanation)
{
    public string Summary => string.Join("; ", Explanation.Select(c => c.Text));
}

public sealed record CandidatesView(PersonRef Person, IReadOnlyList<CandidateView> Candidates);

public sealed class MatchRuleRequest
{
    [Required]
    public MatchRuleKind? Kind { get; set; }

    /// <summary>The mentor's enrolment (or the first peer's).</summary>
    [Required]
    public Guid? FirstEnrolmentId { get; set; }

    /// <summary>The mentee's enrolment (or the second peer's).</summary>
    [Required]
    public Guid? SecondEnrolmentId { get; set; }
}

public sealed class AssignRequest
{
    [Required]
    public Guid? FirstEnrolmentId { get; set; }

    [Required]
    public Guid? SecondEnrolmentId { get; set; }
}

/// <summary>
/// One click: runs the engine over the approved, unmatched pool with the program's setup, locks and prohibitions,
/// and stores the result as a new draft (the previous open draft is superseded and kept for comparison).
/// </summary>
public sealed class RunPoolMatching(TandemDb db, MatchingAccess access, MatchingPool pools, TimeProvider clock)
{
    public async Task<Outcome<MatchDraft>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        if (pool.Mentees.Count + pool.Mentors.Count > MatchingPool.MaxPoolSize)
        {
            return new Conflict($"The pool has more than {MatchingPool.MaxPoolSize} people; run matching with `tandem solve` on an exported problem.");
        }
        PoolScoring scoring;
        PoolMatch match;
        try
        {
            scoring = new PoolScoring(pool, pool.Criteria);
            match = await Task.Run(() => PoolMatcher.Run(scoring), ct);
        }
        catch (ArgumentException e)
        {
            return Invalid.Field("criteria", $"The matching setup cannot be used: {e.Message}");
        }

        var previous = await db.Set<MatchDraft>().Where(d => d.ProgramId == programId).OrderByDescending(d => d.Number).FirstOrDefaultAsync(ct);
        var draft = new MatchDraft(programId, (previous?.Number ?? 0) + 1, previous?.Id, pool.Criteria, pool.GroupSize, actor.UserId, clock.GetUtcNow().UtcDateTime);
        var scores = new List<long>();
        var sharing = 0;
        foreach (var p in match.Pairs)
        {
            // Mentor–mentee: First is the mentor, Second the mentee. Peers: both ways round, by the one peer rule.
            var explanation = scoring.ExplainPair(p.Second, p.First, out var score, out _);
            scores.Add(score);
            if (scoring.SharesFreeTime(p.Second, p.First))
            {
                sharing++;
            }
            draft.Proposals.Add(new MatchProposal(draft.Id, p.Group, pool.Mentors[p.First].EnrolmentId, pool.Mentees[p.Second].EnrolmentId, score, explanation, p.Locked));
        }
        draft.Record(match.MatchedSeekers,
            match.Unmatched.Select(u => new UnmatchedPerson(u.Person.EnrolmentId, u.Person.UserId, u.Person.Name, u.Person.Role, u.Reason)).ToList(),
            scores.Count == 0 ? 0 : Math.Round(scores.Average(), 2), sharing);
        if (previous is { Status: MatchDraftStatus.Draft })
        {
            previous.Supersede();
        }
        db.Add(draft);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return new Conflict("Matching ran for this program at the same moment; reload to see the newest draft.");
        }
        return draft;
    }
}

/// <summary>A draft with its proposals (paged), the people left over, the rules in force and the comparison with the previous draft.</summary>
public sealed class GetMatchDraft(TandemDb db, MatchingAccess access)
{
    public const int MaxPageSize = 200;

    /// <summary>The newest draft of the program when <paramref name="draftId"/> is null.</summary>
    public async Task<Outcome<MatchDraftView>> RunAsync(Actor actor, Guid programId, Guid? draftId, int page = 1, int pageSize = 50, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var drafts = db.Set<MatchDraft>().AsNoTracking().Where(d => d.ProgramId == programId);
        var draft = draftId is { } id
            ? await drafts.SingleOrDefaultAsync(d => d.Id == id, ct)
            : await drafts.OrderByDescending(d => d.Number).FirstOrDefaultAsync(ct);
        if (draft is null)
        {
            return new NotFound(draftId is null ? "This program has no matching draft yet; run matching first." : "No such draft in this program.");
        }
        var proposals = db.Set<MatchProposal>().AsNoTracking().Where(p => p.DraftId == draft.Id);
        var total = await proposals.CountAsync(ct);
        var pageRows = await proposals.OrderBy(p => p.GroupNumber).ThenBy(p => p.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var rules = await db.Set<MatchRule>().AsNoTracking().Where(r => r.ProgramId == programId).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var comparison = draft.PreviousDraftId is { } previousId ? await CompareAsync(db, draft, previousId, found.Value!.Pairing == PairingModel.PeerToPeer, ct) : null;

        var ids = pageRows.SelectMany(p => new[] { p.FirstEnrolmentId, p.SecondEnrolmentId })
            .Concat(rules.SelectMany(r => new[] { r.FirstEnrolmentId, r.SecondEnrolmentId }))
            .ToHashSet();
        var people = await People.LoadAsync(db, ids, ct);
        var locks = rules.Where(r => r.Kind == MatchRuleKind.Lock).Select(r => (r.FirstEnrolmentId, r.SecondEnrolmentId)).ToHashSet();
        var view = pageRows.Select(p => new ProposalView(p.Id, p.GroupNumber, people[p.FirstEnrolmentId], people[p.SecondEnrolmentId], p.Score,
            p.Locked || (draft.Status == MatchDraftStatus.Draft && locks.Contains((p.FirstEnrolmentId, p.SecondEnrolmentId))), p.Explanation())).ToList();
        var ruleViews = rules.Select(r => new MatchRuleView(r.Id, r.Kind, people[r.FirstEnrolmentId], people[r.SecondEnrolmentId], r.CreatedAt)).ToList();
        return new MatchDraftView(draft.Id, programId, found.Value!.Name, found.Value.Pairing, draft.Number, draft.Status, draft.CreatedAt,
            draft.StartsOn, draft.PublishedAt, draft.Criteria(),
            new DraftFigures(draft.Matched, draft.Unmatched, draft.AverageScore, draft.PairsSharingFreeTime, total),
            new Paged<ProposalView>(view, page, pageSize, total), draft.UnmatchedPeople(), ruleViews, comparison);
    }

    /// <summary>Per person: the same partners (kept), other partners (changed), matched only now (new), matched only before (dropped).</summary>
    internal static async Task<DraftComparison?> CompareAsync(TandemDb db, MatchDraft draft, Guid previousId, bool peer, CancellationToken ct)
    {
        var previous = await db.Set<MatchDraft>().AsNoTracking().Where(d => d.Id == previousId).Select(d => (int?)d.Number).SingleOrDefaultAsync(ct);
        if (previous is null)
        {
            return null;
        }
        var rows = await db.Set<MatchProposal>().AsNoTracking()
            .Where(p => p.DraftId == draft.Id || p.DraftId == previousId)
            .Select(p => new { p.DraftId, p.FirstEnrolmentId, p.SecondEnrolmentId })
            .ToListAsync(ct);
        Dictionary<Guid, HashSet<Guid>> Partners(Guid draftId)
        {
            var map = new Dictionary<Guid, HashSet<Guid>>();
            foreach (var r in rows.Where(r => r.DraftId == draftId))
            {
                // Mentors are compared through their mentees; peers both ways.
                Add(map, r.SecondEnrolmentId, r.FirstEnrolmentId);
                if (peer)
                {
                    Add(map, r.FirstEnrolmentId, r.SecondEnrolmentId);
                }
            }
            return map;
        }
        var now = Partners(draft.Id);
        var before = Partners(previousId);
        var everyone = now.Keys.Union(before.Keys).ToList();
        var people = await People.LoadAsync(db, everyone.Concat(now.Values.SelectMany(v => v)).Concat(before.Values.SelectMany(v => v)).ToHashSet(), ct);
        var changes = new List<DraftChangeView>();
        int kept = 0, changed = 0, added = 0, dropped = 0;
        foreach (var person in everyone)
        {
            var a = before.GetValueOrDefault(person);
            var b = now.GetValueOrDefault(person);
            DraftChange change;
            if (a is null)
            {
                change = DraftChange.New;
                added++;
            }
            else if (b is null)
            {
                change = DraftChange.Dropped;
                dropped++;
            }
            else if (a.SetEquals(b))
            {
                kept++;
                continue;
            }
            else
            {
                change = DraftChange.Changed;
                changed++;
            }
            changes.Add(new DraftChangeView(people[person], change,
                (a ?? []).Select(x => people[x].Name).Order().ToList(), (b ?? []).Select(x => people[x].Name).Order().ToList()));
        }
        return new DraftComparison(previous.Value, kept, changed, added, dropped, changes.OrderBy(c => c.Change).ThenBy(c => c.Person.Name).Take(MaxPageSize).ToList());
    }

    private static void Add(Dictionary<Guid, HashSet<Guid>> map, Guid key, Guid value)
    {
        if (!map.TryGetValue(key, out var set))
        {
            map[key] = set = [];
        }
        set.Add(value);
    }
}

public static class People
{
    public static async Task<Dictionary<Guid, PersonRef>> LoadAsync(TandemDb db, IReadOnlyCollection<Guid> enrolmentIds, CancellationToken ct)
    {
        var ids = enrolmentIds.ToList();
        return await db.Enrolments.AsNoTracking()
            .Where(e => ids.Contains(e.Id))
            .Select(e => new PersonRef(e.Id, e.UserId, e.User!.DisplayName, e.Role))
            .ToDictionaryAsync(p => p.EnrolmentId, ct);
    }
}
