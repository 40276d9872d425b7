using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;

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
    IReadOnlyList<MatchRule> Rules,
    MatchingGoal Goal = MatchingGoal.BestTotal,
    MixInput? Mix = null,
    IReadOnlyList<RankingOffer>? Offers = null,
    IReadOnlyList<(PoolMember Person, string Reason)>? Skipped = null)
{
    public bool IsPeer => Program.Pairing == PairingModel.PeerToPeer;

    public PoolMember? Find(Guid enrolmentId) =>
        Mentees.FirstOrDefault(m => m.EnrolmentId == enrolmentId) ?? Mentors.FirstOrDefault(m => m.EnrolmentId == enrolmentId);
}

/// <summary>
/// Loads a program's approved, not yet matched pool. In a mentor–mentee program the seeking side is the mentees
/// and the offering side the mentors (with their remaining capacity); in a peer program both sides are the peers.
/// </summary>
public sealed class MatchingPool(TandemDb db, Relationships.ITrainingGate training)
{
    public async Task<PoolData> LoadAsync(MentorshipProgram program, CancellationToken ct)
    {
        var programId = program.Id;
        var roles = new[] { ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer };
        // Everyone enrolled as mentor, mentee or peer (approval enrols; a coordinator may also enrol by hand), with the
        // answers and capacity of their approved application when there is one.
        // Nobody whose consent is missing (a minor waiting for a guardian, a refusal, a withdrawal) is ever in the pool (ADR 48),
        // nor anyone whose account is disabled (or erased): they could not be told, nor sign in (ADR 91).
        var unconsented = await ConsentGate.UnconsentedAsync(db, programId, ct);
        var enrolled = await db.Enrolments.AsNoTracking()
            .Where(e => e.ProgramId == programId && roles.Contains(e.Role) && !unconsented.Contains(e.UserId) && !e.User!.IsDisabled)
            .OrderBy(e => e.EnrolledAt).ThenBy(e => e.Id)
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
        // Nobody the program requires to finish training before matching is in the pool until they have (ADR 61); the
        // draft lists them with the modules they still miss.
        var untrained = await training.MissingAsync(programId, Relationships.TrainingGateStage.Matching, null, ct);
        var skipped = pool.Where(m => untrained.ContainsKey(m.EnrolmentId))
            .Select(m => (m, $"Training not completed yet: {Modules(untrained[m.EnrolmentId])} (the program requires it before matching)."))
            .ToList();
        if (skipped.Count > 0)
        {
            pool = pool.Where(m => !untrained.ContainsKey(m.EnrolmentId)).ToList();
        }

        var forms = await db.Set<Questionnaire>().AsNoTracking().Where(q => q.ProgramId == programId).ToListAsync(ct);
        var latest = forms.GroupBy(f => f.Role).ToDictionary(g => g.Key, g => (IReadOnlyList<Question>)g.MaxBy(f => f.Version)!.Questions());
        // Participants never read a private answer nor a sensitive one: its consent covers the coordinators (ADR 111).
        var privateIds = forms.SelectMany(f => f.Questions()).Where(q => q.Private || q.Sensitive).Select(q => q.Id).ToHashSet();

        var setup = await db.Set<MatchSetup>().AsNoTracking().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        var rules = await RulesAsync(programId, ct);
        var peer = program.Pairing == PairingModel.PeerToPeer;
        var mentees = pool.Where(m => m.Role == (peer ? ProgramRole.Peer : ProgramRole.Mentee)).ToList();
        var mentors = peer ? mentees : pool.Where(m => m.Role == ProgramRole.Mentor).ToList();
        // A stable match reads the participants' rankings of the candidates offered to them.
        var offers = !peer && setup?.Goal == MatchingGoal.Stable
            ? await db.Set<RankingOffer>().AsNoTracking().Where(o => o.ProgramId == programId).ToListAsync(ct)
            : null;
        return new PoolData(program, mentees, mentors, latest, privateIds,
            setup?.Criteria() ?? DefaultCriteria(program, latest), setup is null, setup?.GroupSize ?? 2, rules, setup?.Goal ?? MatchingGoal.BestTotal,
            setup is { MixQuestionId: { } mixQuestion, MixAtLeast: { } atLeast } ? new MixInput { QuestionId = mixQuestion, AtLeast = atLeast } : null,
            offers, skipped);
    }

    /// <summary>
    /// The modules someone still misses, by title while the titles are short enough for the draft's reason (1,000
    /// characters; titles are up to 200 each), else how many: every title in full failed each run on PostgreSQL.
    /// </summary>
    internal static string Modules(IReadOnlyCollection<string> titles)
    {
        var listed = string.Join(", ", titles);
        return listed.Length <= 800 ? listed : $"{titles.Count} modules";
    }

    /// <summary>The coordinator's locks and prohibitions, oldest first (the order the engine applies them in).</summary>
    public async Task<IReadOnlyList<MatchRule>> RulesAsync(Guid programId, CancellationToken ct) =>
        await db.Set<MatchRule>().AsNoTracking().Where(r => r.ProgramId == programId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);

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
            if (q.Criterion == CriterionKind.AvailabilityOverlap && result.Any(c => c.Kind == CriterionKind.AvailabilityOverlap))
            {
                continue;
            }
            result.Add(new SetupCriterion(SetupRules.NameOf(q.Prompt), q.Criterion!.Value, q.Id, q.Id, 1, false, null, null));
        }
        return result;
    }
}
