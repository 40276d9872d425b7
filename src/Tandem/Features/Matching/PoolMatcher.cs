using Tandem.Infrastructure.Text;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>A proposed pair by pool index: <see cref="First"/> indexes the mentors (or peers), <see cref="Second"/> the mentees (or peers).</summary>
public sealed record IndexedPair(int Group, int First, int Second, bool Locked);

/// <param name="Assignment">The engine's result for mentor–mentee pools: its optimality certificate and the time of each of its phases.</param>
/// <param name="Explaining">Time spent working out why the people left over could not be matched.</param>
public sealed record PoolMatch(IReadOnlyList<IndexedPair> Pairs, IReadOnlyList<(PoolMember Person, string Reason)> Unmatched, int MatchedSeekers,
    AssignmentResult? Assignment = null, TimeSpan Explaining = default, string? GroupStatement = null, StableOutcome? Stable = null);

/// <summary>
/// Runs the engine over a scored pool, honouring the coordinator's locks and prohibitions: exact assignment for
/// mentor–mentee (capacity above one gives a group only in group mentoring), weighted matching for peer pairs, group formation for
/// study groups. Says why each person left over could not be matched.
/// </summary>
public static class PoolMatcher
{
    public static PoolMatch Run(PoolScoring scoring)
    {
        var pool = scoring.Pool;
        if (!pool.IsPeer)
        {
            return MentorMentee(scoring);
        }
        return pool.GroupSize > 2 ? StudyGroups(scoring) : PeerPairs(scoring);
    }

    private static PoolMatch MentorMentee(PoolScoring scoring)
    {
        var pool = scoring.Pool;
        var menteeIndex = pool.Mentees.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var mentorIndex = pool.Mentors.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var caps = pool.Mentors.Select(m => m.Capacity).ToArray();
        var forbidden = pool.Rules
            .Where(r => r.Kind == MatchRuleKind.Forbid && mentorIndex.ContainsKey(r.FirstEnrolmentId) && menteeIndex.ContainsKey(r.SecondEnrolmentId))
            .Select(r => new MenteeMentor(menteeIndex[r.SecondEnrolmentId], mentorIndex[r.FirstEnrolmentId]))
            .ToHashSet();
        var locks = new List<MenteeMentor>();
        var used = new int[caps.Length];
        foreach (var r in pool.Rules.Where(r => r.Kind == MatchRuleKind.Lock))
        {
            if (mentorIndex.TryGetValue(r.FirstEnrolmentId, out var j) && menteeIndex.TryGetValue(r.SecondEnrolmentId, out var i)
                && locks.All(l => l.Mentee != i) && used[j] < caps[j])
            {
                locks.Add(new MenteeMentor(i, j));
                used[j]++;
            }
        }
        if (pool.Goal == MatchingGoal.Stable)
        {
            return StablePool.Run(scoring, caps, forbidden, locks);
        }
        var source = new CoordinatorScores(scoring, locks);
        var objective = pool.Goal == MatchingGoal.RaiseWorstOff ? MatchingObjective.MaxMinThenScore : MatchingObjective.MaxMatchedThenScore;
        var result = OptimalAssignment.Solve(new PoolProblem(source, caps, objective, locks, forbidden.ToList()));
        var lockSet = locks.ToHashSet();
        var groups = Programs.MentoringFormat.MentorsLeadGroups(pool.Program);
        var pairs = new List<IndexedPair>();
        var groupOf = new Dictionary<int, int>();
        for (var i = 0; i < result.MentorOfMentee.Length; i++)
        {
            var j = result.MentorOfMentee[i];
            if (j < 0)
            {
                continue;
            }
            if (!groupOf.TryGetValue(j, out var g))
            {
                g = groupOf[j] = groupOf.Count + 1;
            }
            // A mentor's mentees share a number (one relationship) only in group mentoring; otherwise each pair has its own.
            pairs.Add(new IndexedPair(groups ? g : pairs.Count + 1, j, i, lockSet.Contains(new MenteeMentor(i, j))));
        }
        var explaining = System.Diagnostics.Stopwatch.StartNew();
        var unmatched = new List<(PoolMember, string)>();
        // Each mentee left over is scored against every mentor again to say why: on every core, a row buffer per thread.
        var left = Enumerable.Range(0, pool.Mentees.Count).Where(i => result.MentorOfMentee[i] < 0).ToArray();
        var reasons = new string[left.Length];
        // In a district pool (tens of thousands left over, tens of thousands of mentors) counting every mentor who fits
        // would score billions of pairs again: there it is enough to find one who fits.
        var count = (long)left.Length * pool.Mentors.Count <= ExactReasonPairs;
        Parallel.For(0, left.Length, () => new int[pool.Mentors.Count], (k, _, row) =>
        {
            reasons[k] = count || FirstFitting(scoring, left[k], forbidden) < 0
                ? MenteeReason(scoring, left[k], forbidden, row)
                : "every mentor who fits is full with other mentees who fit them better";
            return row;
        }, _ => { });
        for (var k = 0; k < left.Length; k++)
        {
            unmatched.Add((pool.Mentees[left[k]], reasons[k]));
        }
        var column = new int[pool.Mentees.Count];
        for (var j = 0; j < pool.Mentors.Count; j++)
        {
            if (groupOf.ContainsKey(j))
            {
                continue;
            }
            var anyAllowed = false;
            if (pool.Mentees.Count > 0)
            {
                scoring.Scorer.ScoreColumn(j, column);
                for (var i = 0; i < column.Length && !anyAllowed; i++)
                {
                    anyAllowed = column[i] != PairScores.Forbidden && !forbidden.Contains(new MenteeMentor(i, j));
                }
            }
            unmatched.Add((pool.Mentors[j], pool.Mentees.Count == 0 ? "there are no mentees waiting"
                : anyAllowed ? "every mentee who fits this mentor is matched with someone who fits them better"
                : "the hard rules rule out every mentee waiting"));
        }
        return new PoolMatch(pairs, unmatched, pairs.Count, result, explaining.Elapsed);
    }

    /// <summary>Up to this many (mentee left over x mentor) pairs, a reason counts the mentors who fit.</summary>
    private const long ExactReasonPairs = 50_000_000;

    /// <summary>The first mentor (by index) who fits the mentee and is not forbidden by the coordinator, or -1.</summary>
    private static int FirstFitting(PoolScoring scoring, int mentee, HashSet<MenteeMentor> forbidden)
    {
        for (var j = 0; j < scoring.Pool.Mentors.Count; j++)
        {
            if (scoring.Score(mentee, j) != PairScores.Forbidden && !forbidden.Contains(new MenteeMentor(mentee, j)))
            {
                return j;
            }
        }
        return -1;
    }

    private static string MenteeReason(PoolScoring scoring, int mentee, HashSet<MenteeMentor> forbidden, int[] row)
    {
        var pool = scoring.Pool;
        if (pool.Mentors.Count == 0)
        {
            return "there are no mentors with free capacity";
        }
        scoring.Scorer.ScoreRow(mentee, row);
        var fitting = 0;
        var byCoordinator = 0;
        for (var j = 0; j < pool.Mentors.Count; j++)
        {
            if (forbidden.Contains(new MenteeMentor(mentee, j)))
            {
                byCoordinator++;
            }
            else if (row[j] != PairScores.Forbidden)
            {
                fitting++;
            }
        }
        if (fitting > 0)
        {
            return $"the {fitting} mentor(s) who fit are full with other mentees";
        }
        // Nobody fits: say which hard rules rule the mentors out (explained pair by pair only here, where it is needed).
        var failures = new Dictionary<string, int>();
        for (var j = 0; j < pool.Mentors.Count; j++)
        {
            if (row[j] == PairScores.Forbidden && !forbidden.Contains(new MenteeMentor(mentee, j)))
            {
                foreach (var c in scoring.Explain(mentee, j, out _, out _).Where(c => c.Required && !c.Met))
                {
                    failures[c.Criterion] = failures.GetValueOrDefault(c.Criterion) + 1;
                }
            }
        }
        return RuledOut(failures, byCoordinator, "mentor");
    }

    /// <summary>The failing rules listed while they fit <see cref="RuledOutLength"/> characters, then how many more.</summary>
    private static string RuledOut(Dictionary<string, int> failures, int byCoordinator, string partner)
    {
        var all = failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} rules out {f.Value}").ToList();
        if (byCoordinator > 0)
        {
            all.Add($"the coordinator forbade {byCoordinator}");
        }
        // The reason is stored in 1,000 characters: thirty hard rules with 60-character names made every run fail on
        // PostgreSQL (ADR 127). Whole rules are listed while they fit, then a count of the rest.
        var parts = new List<string>();
        var length = 0;
        foreach (var part in all)
        {
            if (length + part.Length + 2 > RuledOutLength && parts.Count > 0)
            {
                break;
            }
            parts.Add(WholeCharacters.Within(part, RuledOutLength));
            length += part.Length + 2;
        }
        var more = all.Count - parts.Count;
        return $"no {partner} meets the hard rules ({string.Join("; ", parts)}{(more > 0 ? $"; and {more} more {(more == 1 ? "rule" : "rules")}" : "")})";
    }

    /// <summary>How long the list of failing rules in an unmatched person's reason may grow.</summary>
    private const int RuledOutLength = 800;

    private static PoolMatch PeerPairs(PoolScoring scoring)
    {
        var pool = scoring.Pool;
        var n = pool.Mentees.Count;
        var (allowed, scores, taken, locked) = PeerGraph(scoring);
        var pairs = new List<IndexedPair>();
        foreach (var (a, b) in locked)
        {
            pairs.Add(new IndexedPair(pairs.Count + 1, a, b, true));
        }
        var edges = new List<PeerEdge>();
        long maxAbs = 0;
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++)
            {
                if (!taken[a] && !taken[b] && allowed[a, b])
                {
                    maxAbs = Math.Max(maxAbs, Math.Abs((long)scores[a, b]));
                }
            }
        }
        // Pair as many people as possible first, then maximise the score: every edge carries a bonus larger
        // than any difference in total score.
        var bonus = (maxAbs + 1) * (n + 1);
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++)
            {
                if (!taken[a] && !taken[b] && allowed[a, b])
                {
                    edges.Add(new PeerEdge(a, b, scores[a, b] + bonus));
                }
            }
        }
        var result = PeerPairing.Solve(new PeerPairProblem(n, edges));
        foreach (var e in result.Pairs)
        {
            pairs.Add(new IndexedPair(pairs.Count + 1, e.A, e.B, false));
        }
        return PeerOutcome(scoring, pairs, allowed);
    }

    private static PoolMatch StudyGroups(PoolScoring scoring)
    {
        var pool = scoring.Pool;
        var n = pool.Mentees.Count;
        var (allowed, scores, _, locked) = PeerGraph(scoring);
        const long Penalty = 1L << 30;
        var matrix = new long[n, n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                matrix[a, b] = a == b ? 0 : allowed[Math.Min(a, b), Math.Max(a, b)] ? scores[Math.Min(a, b), Math.Max(a, b)] : -Penalty;
            }
        }
        foreach (var (a, b) in locked)
        {
            matrix[a, b] = matrix[b, a] = Penalty;
        }
        var pairs = new List<IndexedPair>();
        string? statement = null;
        if (n >= 2)
        {
            var problem = new GroupProblem(n, pool.GroupSize, matrix);
            IReadOnlyList<int[]> groups;
            if (pool.Mix is { } mix)
            {
                var mixed = GroupFormation.Solve(problem, Mix(pool, mix));
                groups = mixed.Groups;
                var name = pool.Questions.GetValueOrDefault(Programs.ProgramRole.Peer)?.FirstOrDefault(q => q.Id == mix.QuestionId)?.Prompt ?? mix.QuestionId;
                var formed = mixed.Groups.Count;
                var short_ = mixed.GroupsShortOfMix.Count;
                statement = $"{mixed.BoundStatement} Mix: {formed - short_} of {formed} groups have at least {mix.AtLeast} different answers to \"{SetupRules.NameOf(name)}\""
                    + (short_ == 0 ? "." : mixed.MixPossibleEverywhere ? "." : "; no grouping of these people could give it to every group.");
            }
            else
            {
                groups = GroupFormation.Solve(problem).Groups;
            }
            var g = 0;
            var lockedSet = locked.ToHashSet();
            foreach (var group in groups.Where(x => x.Length >= 2))
            {
                g++;
                for (var x = 0; x < group.Length; x++)
                {
                    for (var y = x + 1; y < group.Length; y++)
                    {
                        pairs.Add(new IndexedPair(g, group[x], group[y], lockedSet.Contains((group[x], group[y])) || lockedSet.Contains((group[y], group[x]))));
                    }
                }
            }
        }
        return PeerOutcome(scoring, pairs, allowed) with { GroupStatement = statement };
    }

    /// <summary>Each peer's answer to the mix question as a small integer (equal answers, equal numbers; the first of several; -1 for none).</summary>
    private static GroupMix Mix(PoolData pool, MixInput mix)
    {
        var codes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var values = pool.Mentees.Select(m =>
        {
            if (!m.Answers.TryGetValue(mix.QuestionId, out var answer))
            {
                return -1;
            }
            var text = EngineAdapter.Values(answer).FirstOrDefault();
            if (string.IsNullOrWhiteSpace(text))
            {
                return -1;
            }
            if (!codes.TryGetValue(text.Trim(), out var code))
            {
                codes[text.Trim()] = code = codes.Count;
            }
            return code;
        }).ToArray();
        return new GroupMix(values, mix.AtLeast, mix.QuestionId);
    }

    private static PoolMatch PeerOutcome(PoolScoring scoring, List<IndexedPair> pairs, bool[,] allowed)
    {
        var pool = scoring.Pool;
        var n = pool.Mentees.Count;
        var matched = pairs.SelectMany(p => new[] { p.First, p.Second }).ToHashSet();
        var unmatched = new List<(PoolMember, string)>();
        for (var a = 0; a < n; a++)
        {
            if (matched.Contains(a))
            {
                continue;
            }
            var fits = Enumerable.Range(0, n).Count(b => b != a && allowed[Math.Min(a, b), Math.Max(a, b)]);
            string reason;
            if (n == 1)
            {
                reason = "nobody else is waiting";
            }
            else if (fits > 0)
            {
                reason = $"the {fits} peer(s) who fit are paired with others (an odd one out)";
            }
            else
            {
                var failures = new Dictionary<string, int>();
                for (var b = 0; b < n; b++)
                {
                    if (b != a)
                    {
                        foreach (var c in scoring.Explain(a, b, out _, out _).Where(c => c.Required && !c.Met))
                        {
                            failures[c.Criterion] = failures.GetValueOrDefault(c.Criterion) + 1;
                        }
                    }
                }
                reason = RuledOut(failures, 0, "peer");
            }
            unmatched.Add((pool.Mentees[a], reason));
        }
        return new PoolMatch(pairs, unmatched, matched.Count);
    }

    /// <summary>Peers: scored by the engine's one peer rule (<see cref="PeerScoring"/>), minus the coordinator's prohibitions.</summary>
    private static (bool[,] Allowed, int[,] Scores, bool[] Taken, List<(int, int)> Locked) PeerGraph(PoolScoring scoring)
    {
        var pool = scoring.Pool;
        var n = pool.Mentees.Count;
        var index = pool.Mentees.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        var rows = new int[n][];
        for (var a = 0; a < n; a++)
        {
            rows[a] = new int[n];
            scoring.Scorer.ScoreRow(a, rows[a]);
        }
        var allowed = new bool[n, n];
        var scores = new int[n, n];
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++)
            {
                var ab = rows[a][b];
                var ba = rows[b][a];
                var combined = PeerScoring.Combine(ab, ba);
                allowed[a, b] = combined != PairScores.Forbidden;
                scores[a, b] = allowed[a, b] ? combined : 0;
            }
        }
        bool Known(MatchRule r) => index.ContainsKey(r.FirstEnrolmentId) && index.ContainsKey(r.SecondEnrolmentId) && r.FirstEnrolmentId != r.SecondEnrolmentId;
        foreach (var r in pool.Rules.Where(r => r.Kind == MatchRuleKind.Forbid && Known(r)))
        {
            var (a, b) = (index[r.FirstEnrolmentId], index[r.SecondEnrolmentId]);
            allowed[Math.Min(a, b), Math.Max(a, b)] = false;
        }
        var taken = new bool[n];
        var locked = new List<(int, int)>();
        foreach (var r in pool.Rules.Where(r => r.Kind == MatchRuleKind.Lock && Known(r)))
        {
            var (a, b) = (index[r.FirstEnrolmentId], index[r.SecondEnrolmentId]);
            if (pool.GroupSize > 2 || (!taken[a] && !taken[b]))
            {
                taken[a] = taken[b] = true;
                locked.Add((a, b));
            }
        }
        return (allowed, scores, taken, locked);
    }

    /// <summary>The feature scores, with the coordinator's locked pairs allowed even where a hard rule would forbid them.</summary>
    private sealed class CoordinatorScores(PoolScoring scoring, IReadOnlyList<MenteeMentor> locks) : IPairScoreSource
    {
        private readonly Dictionary<int, (int Mentor, int Score)> _locked = locks.ToDictionary(
            l => l.Mentee,
            l => (l.Mentor, Math.Clamp((int)scoring.Scorer.Explain(l.Mentee, l.Mentor).Score, -PairScores.MaxMagnitude, PairScores.MaxMagnitude)));

        public int MenteeCount => scoring.Scorer.MenteeCount;
        public int MentorCount => scoring.Scorer.MentorCount;

        public void ScoreRow(int mentee, Span<int> scores)
        {
            scoring.Scorer.ScoreRow(mentee, scores);
            if (_locked.TryGetValue(mentee, out var l))
            {
                scores[l.Mentor] = l.Score;
            }
        }

        public void ScoreColumn(int mentor, Span<int> scores)
        {
            scoring.Scorer.ScoreColumn(mentor, scores);
            foreach (var (mentee, l) in _locked)
            {
                if (l.Mentor == mentor)
                {
                    scores[mentee] = l.Score;
                }
            }
        }
    }
}
