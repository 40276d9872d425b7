using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>
/// Checks a set of proposed pairs against the pool they are for, before anything is stored: everyone is in the pool, nobody
/// seeking is placed twice (in pairs), no mentor is given more mentees than their free places, no pair breaks a hard rule or a
/// coordinator's prohibition (a locked pair is allowed whatever the rules say). Used on the engine's result and on results
/// imported from a file. The problem names the pair and the rule.
/// </summary>
public static class DraftCheck
{
    public static string? Problem(PoolScoring scoring, PoolMatch match) => Problem(scoring, match.Pairs);

    public static string? Problem(PoolScoring scoring, IReadOnlyList<IndexedPair> pairs)
    {
        var pool = scoring.Pool;
        var index = pool.Mentees.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var mentorIndex = pool.Mentors.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var forbidden = new HashSet<(int, int)>();
        var locked = new HashSet<(int, int)>();
        foreach (var r in pool.Rules)
        {
            if (mentorIndex.TryGetValue(r.FirstEnrolmentId, out var first) && index.TryGetValue(r.SecondEnrolmentId, out var second))
            {
                (r.Kind == MatchRuleKind.Forbid ? forbidden : locked).Add((first, second));
                if (pool.IsPeer)
                {
                    (r.Kind == MatchRuleKind.Forbid ? forbidden : locked).Add((second, first));
                }
            }
        }
        var placed = new int[pool.Mentees.Count];
        var load = new int[pool.Mentors.Count];
        foreach (var p in pairs)
        {
            if (p.First < 0 || p.First >= pool.Mentors.Count || p.Second < 0 || p.Second >= pool.Mentees.Count || (pool.IsPeer && p.First == p.Second))
            {
                return "a pair names someone who is not waiting in this pool";
            }
            var mentor = pool.Mentors[p.First];
            var mentee = pool.Mentees[p.Second];
            var names = $"{mentor.Name} and {mentee.Name}";
            if (forbidden.Contains((p.First, p.Second)))
            {
                return $"{names}: the coordinator forbade this pair";
            }
            if (!locked.Contains((p.First, p.Second)))
            {
                var allowed = pool.IsPeer
                    ? PeerScoring.Combine(scoring.Score(p.Second, p.First), scoring.Score(p.First, p.Second)) != PairScores.Forbidden
                    : scoring.Score(p.Second, p.First) != PairScores.Forbidden;
                if (!allowed)
                {
                    var broken = scoring.Explain(p.Second, p.First, out _, out _).FirstOrDefault(c => c.Required && !c.Met);
                    return $"{names}: the hard rule \"{broken?.Criterion ?? "of the setup"}\" is not met";
                }
            }
            if (pool.IsPeer)
            {
                continue;
            }
            if (++placed[p.Second] > 1)
            {
                return $"{mentee.Name} is proposed more than once";
            }
            if (++load[p.First] > mentor.Capacity)
            {
                return $"{mentor.Name} is given more than their {mentor.Capacity} free place(s)";
            }
        }
        if (pool.IsPeer && pool.GroupSize <= 2)
        {
            var seen = new HashSet<int>();
            foreach (var p in pairs)
            {
                if (!seen.Add(p.First) || !seen.Add(p.Second))
                {
                    return $"{pool.Mentees[seen.Contains(p.First) ? p.First : p.Second].Name} is proposed more than once";
                }
            }
        }
        return null;
    }
}
