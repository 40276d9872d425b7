using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>A draft with its proposals (paged), the people left over, the rules in force and the comparison with the previous draft.</summary>
public sealed class GetMatchDraft(TandemDb db, MatchingAccess access)
{
    public const int MaxPageSize = 200;

    /// <summary>The page size of a draft's proposals when none is asked for, and of the view a run answers with.</summary>
    public const int DefaultPageSize = 50;

    /// <summary>The newest draft of the program when <paramref name="draftId"/> is null.</summary>
    public async Task<Outcome<MatchDraftView>> RunAsync(Actor actor, Guid programId, Guid? draftId, int page = 1, int pageSize = DefaultPageSize, CancellationToken ct = default)
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
        var rules = await db.Set<MatchRule>().AsNoTracking().Where(r => r.ProgramId == programId).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        return await ViewAsync(found.Value!, draft, rules, null, PageRequest.Clamp(page, pageSize, MaxPageSize), ct);
    }

    /// <summary>The first page of the draft a run has just stored, from what the run holds (no access check or draft read again).</summary>
    public Task<MatchDraftView> ViewAsync(MatchRun run, CancellationToken ct = default) =>
        ViewAsync(run.Program, run.Draft, run.Rules, run.Draft.Proposals.Count, PageRequest.Clamp(1, DefaultPageSize, MaxPageSize), ct);

    private async Task<MatchDraftView> ViewAsync(MentorshipProgram program, MatchDraft draft, IReadOnlyList<MatchRule> rules, int? proposalCount,
        PageRequest paging, CancellationToken ct)
    {
        var programId = program.Id;
        var proposals = db.Set<MatchProposal>().AsNoTracking().Where(p => p.DraftId == draft.Id);
        var total = proposalCount ?? await proposals.CountAsync(ct);
        var pageRows = await proposals.OrderBy(p => p.GroupNumber).ThenBy(p => p.Id).Page(paging).ToListAsync(ct);
        var comparison = draft.PreviousDraftId is { } previousId ? await CompareAsync(db, draft, previousId, program.Pairing == PairingModel.PeerToPeer, ct) : null;

        var ids = pageRows.SelectMany(p => new[] { p.FirstEnrolmentId, p.SecondEnrolmentId })
            .Concat(rules.SelectMany(r => new[] { r.FirstEnrolmentId, r.SecondEnrolmentId }))
            .ToHashSet();
        var people = await People.LoadAsync(db, ids, ct);
        var locks = rules.Where(r => r.Kind == MatchRuleKind.Lock).Select(r => (r.FirstEnrolmentId, r.SecondEnrolmentId)).ToHashSet();
        var view = pageRows.Select(p => new ProposalView(p.Id, p.GroupNumber, people[p.FirstEnrolmentId], people[p.SecondEnrolmentId], p.Score,
            p.Locked || (draft.Status == MatchDraftStatus.Draft && locks.Contains((p.FirstEnrolmentId, p.SecondEnrolmentId))), p.Explanation())).ToList();
        var ruleViews = rules.Select(r => new MatchRuleView(r.Id, r.Kind, people[r.FirstEnrolmentId], people[r.SecondEnrolmentId], r.CreatedAt)).ToList();
        return new MatchDraftView(draft.Id, programId, program.Name, program.Pairing, draft.Number, draft.Status, draft.CreatedAt,
            draft.StartsOn, draft.PublishedAt, draft.Criteria(),
            new DraftFigures(draft.Matched, draft.Unmatched, draft.AverageScore, draft.PairsSharingFreeTime, total),
            paging.Of(view, total), draft.UnmatchedPeople(), ruleViews, comparison);
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
