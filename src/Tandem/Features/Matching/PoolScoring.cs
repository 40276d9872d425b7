using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>The engine's view of a pool under a list of criteria: scores, explanations, hard-rule checks.</summary>
public sealed class PoolScoring
{
    private readonly FeatureScorer _scorer;
    private readonly bool[] _private;
    private readonly IReadOnlyList<Participant> _mentees;
    private readonly IReadOnlyList<Participant> _mentors;

    public PoolScoring(PoolData pool, IReadOnlyList<SetupCriterion> criteria)
    {
        Pool = pool;
        Criteria = criteria;
        var engineCriteria = EngineAdapter.Criteria(criteria);
        _private = criteria.Select(c => pool.PrivateQuestionIds.Contains(c.MenteeQuestionId) || pool.PrivateQuestionIds.Contains(c.MentorQuestionId)).ToArray();
        var mentees = pool.Mentees.Select(m => EngineAdapter.Participant(m.EnrolmentId.ToString(), m.Answers, criteria, mentee: true)).ToList();
        var mentors = pool.Mentors.Select(m => EngineAdapter.Participant(m.EnrolmentId.ToString(), m.Answers, criteria, mentee: false)).ToList();
        (_mentees, _mentors) = (mentees, mentors);
        _scorer = new FeatureScorer(engineCriteria, mentees, mentors);
        FreeTimeMentee = FreeTime(pool, pool.IsPeer ? ProgramRole.Peer : ProgramRole.Mentee, pool.Mentees);
        FreeTimeMentor = pool.IsPeer ? FreeTimeMentee : FreeTime(pool, ProgramRole.Mentor, pool.Mentors);
    }

    public PoolData Pool { get; }
    public IReadOnlyList<SetupCriterion> Criteria { get; }
    public FeatureScorer Scorer => _scorer;
    private int[][] FreeTimeMentee { get; }
    private int[][] FreeTimeMentor { get; }

    public int Score(int mentee, int mentor) => _scorer.Score(mentee, mentor);

    public bool SharesFreeTime(int mentee, int mentor) => FreeTimeMentee[mentee].Intersect(FreeTimeMentor[mentor]).Any();

    public IReadOnlyList<ProposalCriterion> Explain(int mentee, int mentor, out long score, out bool allowed)
    {
        var e = _scorer.Explain(mentee, mentor);
        score = e.Score;
        allowed = e.Allowed;
        return e.Criteria.Select((c, i) => new ProposalCriterion(c.Criterion, c.Points, c.Met, c.Required, _private[i], c.Text, Possible(i, mentee, mentor))).ToList();
    }

    /// <summary>The most criterion <paramref name="index"/> could give this pair: a count can reach the fewer values of the two.</summary>
    private long Possible(int index, int mentee, int mentor)
    {
        var c = Criteria[index];
        if (c.Weight <= 0)
        {
            return 0;
        }
        long Count(Participant p) => c.Kind == Applications.CriterionKind.AvailabilityOverlap
            ? p.Availability?.Count ?? 0
            : p.Values is { } values && values.TryGetValue(EngineAdapter.Field(index), out var v) ? v.Count : 0;
        var count = c.Kind is Applications.CriterionKind.SharedValues or Applications.CriterionKind.AvailabilityOverlap
            ? Math.Min(Count(_mentees[mentee]), Count(_mentors[mentor]))
            : 1;
        return c.Weight * count;
    }

    /// <summary>
    /// A proposed pair's score and explanation. Mentor and mentee: the mentee seeking from the mentor. Peers: both
    /// directions, combined by the engine's one peer rule (<see cref="PeerScoring"/>, the same as `tandem solve`):
    /// allowed when either direction passes the hard rules, scored and explained as the sum of those that pass.
    /// </summary>
    public IReadOnlyList<ProposalCriterion> ExplainPair(int seeker, int other, out long score, out bool allowed)
    {
        var one = Explain(seeker, other, out var oneScore, out var oneAllowed);
        if (!Pool.IsPeer)
        {
            (score, allowed) = (oneScore, oneAllowed);
            return one;
        }
        var two = Explain(other, seeker, out var twoScore, out var twoAllowed);
        var combined = PeerScoring.Combine(oneAllowed ? (int)oneScore : PairScores.Forbidden, twoAllowed ? (int)twoScore : PairScores.Forbidden);
        allowed = combined != PairScores.Forbidden;
        if (!(oneAllowed && twoAllowed))
        {
            // One direction passes (its explanation is the pair's), or neither does (show the closer one).
            var useOne = oneAllowed || (!twoAllowed && oneScore >= twoScore);
            score = allowed ? combined : Math.Max(oneScore, twoScore);
            return useOne ? one : two;
        }
        score = combined;
        return one.Select((c, i) => c with
        {
            Points = c.Points + two[i].Points,
            Possible = c.Possible + two[i].Possible,
            Met = c.Met || two[i].Met,
            Text = c.Text == two[i].Text ? c.Text : $"{c.Text} / {two[i].Text}",
        }).ToList();
    }

    private static int[][] FreeTime(PoolData pool, ProgramRole role, IReadOnlyList<PoolMember> members)
    {
        var question = pool.Questions.TryGetValue(role, out var qs) ? qs.FirstOrDefault(q => q.Type == QuestionType.Availability) : null;
        return members.Select(m => question is not null && m.Answers.TryGetValue(question.Id, out var a) ? EngineAdapter.Slots(a).ToArray() : []).ToArray();
    }
}
