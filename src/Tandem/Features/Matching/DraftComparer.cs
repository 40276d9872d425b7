using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Matching;

/// <summary>
/// A new draft against the previous one, per person: the same partners (kept), other partners (changed), matched only now
/// (new), matched only before (dropped). Worked out once when the draft is made and kept with it, so showing a draft of
/// 20,000 pairs reads one page of it, not both drafts whole.
/// </summary>
public static class DraftComparer
{
    /// <summary>How many changed people a comparison lists by name (the counts cover everyone).</summary>
    public const int ListedChanges = 200;

    public static async Task<DraftComparison> CompareAsync(TandemDb db, PoolData pool, MatchDraft previous, IReadOnlyList<MatchProposal> proposals, CancellationToken ct)
    {
        var before = await db.Set<MatchProposal>().AsNoTracking()
            .Where(p => p.DraftId == previous.Id)
            .Select(p => new { p.FirstEnrolmentId, p.SecondEnrolmentId })
            .ToListAsync(ct);
        var peer = pool.IsPeer;
        var now = Partners(proposals.Select(p => (p.FirstEnrolmentId, p.SecondEnrolmentId)), peer);
        var then = Partners(before.Select(p => (p.FirstEnrolmentId, p.SecondEnrolmentId)), peer);
        var changes = new List<(Guid Person, DraftChange Change, HashSet<Guid>? Before, HashSet<Guid>? After)>();
        int kept = 0, changed = 0, added = 0, dropped = 0;
        foreach (var person in now.Keys.Union(then.Keys))
        {
            var a = then.GetValueOrDefault(person);
            var b = now.GetValueOrDefault(person);
            if (a is not null && b is not null && a.SetEquals(b))
            {
                kept++;
                continue;
            }
            var change = a is null ? DraftChange.New : b is null ? DraftChange.Dropped : DraftChange.Changed;
            _ = change switch { DraftChange.New => added++, DraftChange.Dropped => dropped++, _ => changed++ };
            changes.Add((person, change, a, b));
        }
        // Names: from the pool where possible; the few who left it since (matched elsewhere) from the database.
        var names = pool.Mentees.Concat(pool.Mentors).DistinctBy(m => m.EnrolmentId)
            .ToDictionary(m => m.EnrolmentId, m => new PersonRef(m.EnrolmentId, m.UserId, m.Name, m.Role));
        var listed = changes.Take(ListedChanges * 4).ToList();
        var missing = listed.SelectMany(c => new[] { c.Person }.Concat(c.Before ?? []).Concat(c.After ?? [])).Where(id => !names.ContainsKey(id)).ToHashSet();
        if (missing.Count > 0)
        {
            foreach (var (id, person) in await People.LoadAsync(db, missing, ct))
            {
                names[id] = person;
            }
        }
        var views = listed
            .Where(c => names.ContainsKey(c.Person))
            .Select(c => new DraftChangeView(names[c.Person], c.Change,
                (c.Before ?? []).Select(x => names.TryGetValue(x, out var n) ? n.Name : "someone who left").Order().ToList(),
                (c.After ?? []).Select(x => names.TryGetValue(x, out var n) ? n.Name : "someone who left").Order().ToList()))
            .OrderBy(c => c.Change).ThenBy(c => c.Person.Name)
            .Take(ListedChanges)
            .ToList();
        return new DraftComparison(previous.Number, kept, changed, added, dropped, views);
    }

    /// <summary>Mentors are compared through their mentees; peers both ways.</summary>
    private static Dictionary<Guid, HashSet<Guid>> Partners(IEnumerable<(Guid First, Guid Second)> pairs, bool peer)
    {
        var map = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var (first, second) in pairs)
        {
            Add(map, second, first);
            if (peer)
            {
                Add(map, first, second);
            }
        }
        return map;
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
