using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Matching;
using EngineCriterion = Tandem.Matching.Criterion;
using EngineKind = Tandem.Matching.CriterionKind;

namespace Tandem.Features.Matching;

/// <summary>An approved participant waiting for a match, with the answers matching reads.</summary>
public sealed record PoolMember(Guid EnrolmentId, Guid UserId, string Name, ProgramRole Role, int Capacity, IReadOnlyDictionary<string, JsonElement> Answers);

/// <summary>What a program's matching works with: its pool, its questions, its setup and the coordinator's rules.</summary>
public sealed record PoolData(
    MentorshipProgram Program,
    IReadOnlyList<PoolMember> Mentees,
    IReadOnlyList<PoolMember> Mentors,
    IReadOnlyDictionary<ProgramRole, IReadOnlyList<Question>> Questions,
    IReadOnlySet<string> PrivateQuestionIds,
    IReadOnlyList<SetupCriterion> Criteria,
    bool CriteriaAreDefault,
    int GroupSize,
    IReadOnlyList<MatchRule> Rules)
{
    public bool IsPeer => Program.Pairing == PairingModel.PeerToPeer;

    public PoolMember? Find(Guid enrolmentId) =>
        Mentees.FirstOrDefault(m => m.EnrolmentId == enrolmentId) ?? Mentors.FirstOrDefault(m => m.EnrolmentId == enrolmentId);
}

/// <summary>
/// Loads a program's approved, not yet matched pool. In a mentor–mentee program the seeking side is the mentees
/// and the offering side the mentors (with their remaining capacity); in a peer program both sides are the peers.
/// </summary>
public sealed class MatchingPool(TandemDb db)
{
    /// <summary>The engine scores every pair; the in-app pool is bounded so a run stays interactive.</summary>
    public const int MaxPoolSize = 5_000;

    public async Task<PoolData> LoadAsync(MentorshipProgram program, CancellationToken ct)
    {
        var programId = program.Id;
        var roles = new[] { ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer };
        // Everyone enrolled as mentor, mentee or peer (approval enrols; a coordinator may also enrol by hand), with the
        // answers and capacity of their approved application when there is one.
        var enrolled = await db.Enrolments.AsNoTracking()
            .Where(e => e.ProgramId == programId && roles.Contains(e.Role))
            .OrderBy(e => e.EnrolledAt).ThenBy(e => e.Id)
            .Take(MaxPoolSize + 1)
            .Select(e => new { e.Id, e.UserId, e.User!.DisplayName, e.Role })
            .ToListAsync(ct);
        var approved = (await db.Set<Application>().AsNoTracking()
            .Where(a => a.ProgramId == programId && a.Status == ApplicationStatus.Approved && roles.Contains(a.Role))
            .Select(a => new { a.UserId, a.Role, a.MentorCapacity, a.AnswersJson })
            .ToListAsync(ct))
            .DistinctBy(a => (a.UserId, a.Role))
            .ToDictionary(a => (a.UserId, a.Role));

        var load = await ActiveMembers.LoadAsync(db, programId, ct);
        var pool = enrolled
            .Select(m => (Member: m, Application: approved.GetValueOrDefault((m.UserId, m.Role))))
            .Select(x => new PoolMember(x.Member.Id, x.Member.UserId, x.Member.DisplayName, x.Member.Role,
                Math.Max(0, (x.Member.Role == ProgramRole.Mentor ? x.Application?.MentorCapacity ?? 1 : 1) - load.GetValueOrDefault(x.Member.Id)),
                x.Application is null ? new Dictionary<string, JsonElement>() : AnswerSheet.Parse(x.Application.AnswersJson)))
            .Where(m => m.Capacity > 0)
            .ToList();

        var forms = await db.Set<Questionnaire>().AsNoTracking().Where(q => q.ProgramId == programId).ToListAsync(ct);
        var latest = forms.GroupBy(f => f.Role).ToDictionary(g => g.Key, g => (IReadOnlyList<Question>)g.MaxBy(f => f.Version)!.Questions());
        var privateIds = forms.SelectMany(f => f.Questions()).Where(q => q.Private).Select(q => q.Id).ToHashSet();

        var setup = await db.Set<MatchSetup>().AsNoTracking().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        var rules = await db.Set<MatchRule>().AsNoTracking().Where(r => r.ProgramId == programId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
        var peer = program.Pairing == PairingModel.PeerToPeer;
        var mentees = pool.Where(m => m.Role == (peer ? ProgramRole.Peer : ProgramRole.Mentee)).ToList();
        var mentors = peer ? mentees : pool.Where(m => m.Role == ProgramRole.Mentor).ToList();
        return new PoolData(program, mentees, mentors, latest, privateIds,
            setup?.Criteria() ?? DefaultCriteria(program, latest), setup is null, setup?.GroupSize ?? 2, rules);
    }

    /// <summary>Every question flagged as a matching criterion, with its kind, weight 1, no hard rule.</summary>
    public static IReadOnlyList<SetupCriterion> DefaultCriteria(MentorshipProgram program, IReadOnlyDictionary<ProgramRole, IReadOnlyList<Question>> questions) =>
        DefaultCriteria(program.Pairing, questions);

    /// <inheritdoc cref="DefaultCriteria(MentorshipProgram, IReadOnlyDictionary{ProgramRole, IReadOnlyList{Question}})"/>
    public static IReadOnlyList<SetupCriterion> DefaultCriteria(PairingModel pairing, IReadOnlyDictionary<ProgramRole, IReadOnlyList<Question>> questions)
    {
        var roles = pairing == PairingModel.PeerToPeer ? new[] { ProgramRole.Peer } : [ProgramRole.Mentee, ProgramRole.Mentor];
        var flagged = roles
            .SelectMany(r => questions.TryGetValue(r, out var qs) ? qs : [])
            .Where(q => q.Criterion is not null)
            .DistinctBy(q => q.Id)
            .ToList();
        var result = new List<SetupCriterion>();
        foreach (var q in flagged)
        {
            if (q.Criterion == Applications.CriterionKind.AvailabilityOverlap && result.Any(c => c.Kind == Applications.CriterionKind.AvailabilityOverlap))
            {
                continue;
            }
            result.Add(new SetupCriterion(q.Id, q.Criterion!.Value, q.Id, q.Id, 1, false, null, null));
        }
        return result;
    }
}

/// <summary>The engine's view of a pool under a list of criteria: scores, explanations, hard-rule checks.</summary>
public sealed class PoolScoring
{
    private readonly FeatureScorer _scorer;
    private readonly bool[] _private;

    public PoolScoring(PoolData pool, IReadOnlyList<SetupCriterion> criteria)
    {
        Pool = pool;
        Criteria = criteria;
        var engineCriteria = EngineCriteria(criteria);
        _private = criteria.Select(c => pool.PrivateQuestionIds.Contains(c.MenteeQuestionId) || pool.PrivateQuestionIds.Contains(c.MentorQuestionId)).ToArray();
        var mentees = pool.Mentees.Select(m => Participant(m.EnrolmentId.ToString(), m.Answers, criteria, mentee: true)).ToList();
        var mentors = pool.Mentors.Select(m => Participant(m.EnrolmentId.ToString(), m.Answers, criteria, mentee: false)).ToList();
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
        return e.Criteria.Select((c, i) => new ProposalCriterion(c.Criterion, c.Points, c.Met, c.Required, _private[i], c.Text)).ToList();
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
            Met = c.Met || two[i].Met,
            Text = c.Text == two[i].Text ? c.Text : $"{c.Text} / {two[i].Text}",
        }).ToList();
    }

    private static string Field(int index) => $"c{index}";

    /// <summary>The engine's criteria for a setup; criterion i reads the participants' field "c{i}".</summary>
    public static IReadOnlyList<EngineCriterion> EngineCriteria(IReadOnlyList<SetupCriterion> criteria) =>
        criteria.Select((c, i) => new EngineCriterion(c.Name, (EngineKind)(int)c.Kind, c.Weight, c.Required, Field(i), Field(i), c.Minimum, c.Maximum)).ToList();

    /// <summary>One person's application answers as the engine's features under a setup's criteria.</summary>
    public static Participant Participant(string id, IReadOnlyDictionary<string, JsonElement> answers, IReadOnlyList<SetupCriterion> criteria, bool mentee)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>();
        var numbers = new Dictionary<string, double>();
        IReadOnlyList<int>? availability = null;
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            if (!answers.TryGetValue(mentee ? c.MenteeQuestionId : c.MentorQuestionId, out var answer))
            {
                continue;
            }
            switch (c.Kind)
            {
                case Applications.CriterionKind.AvailabilityOverlap:
                    availability ??= Slots(answer);
                    break;
                case Applications.CriterionKind.NumericGap:
                    if (Number(answer) is { } n)
                    {
                        numbers[Field(i)] = n;
                    }
                    break;
                default:
                    values[Field(i)] = Values(answer);
                    break;
            }
        }
        return new Participant(id, values, availability, numbers);
    }

    private static int[][] FreeTime(PoolData pool, ProgramRole role, IReadOnlyList<PoolMember> members)
    {
        var question = pool.Questions.TryGetValue(role, out var qs) ? qs.FirstOrDefault(q => q.Type == QuestionType.Availability) : null;
        return members.Select(m => question is not null && m.Answers.TryGetValue(question.Id, out var a) ? Slots(a).ToArray() : []).ToArray();
    }

    private static IReadOnlyList<int> Slots(JsonElement answer) => answer.ValueKind == JsonValueKind.Array
        ? answer.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var s) && s is >= 0 and < WeeklySlots.Count).Select(e => e.GetInt32()).ToList()
        : [];

    private static IReadOnlyList<string> Values(JsonElement answer) => answer.ValueKind switch
    {
        JsonValueKind.Array => answer.EnumerateArray().Select(e => e.ToString()).Where(s => s.Length > 0).ToList(),
        JsonValueKind.True => ["Yes"],
        JsonValueKind.False => ["No"],
        JsonValueKind.String when answer.GetString() is { Length: > 0 } s => [s.Trim()],
        JsonValueKind.Number => [answer.ToString()],
        _ => [],
    };

    /// <summary>A number answer, or the first number in a text answer ("Year 9" → 9).</summary>
    private static double? Number(JsonElement answer)
    {
        if (answer.ValueKind == JsonValueKind.Number)
        {
            return answer.GetDouble();
        }
        if (answer.ValueKind == JsonValueKind.String)
        {
            var match = Regex.Match(answer.GetString()!, @"-?\d+(\.\d+)?");
            if (match.Success)
            {
                return double.Parse(match.Value, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }
}
