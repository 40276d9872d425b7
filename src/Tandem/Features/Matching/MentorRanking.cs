using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>A mentor with room left, scored for one mentee; <see cref="Reasons"/> never draw on private answers.</summary>
public sealed record RankedMentor(Guid EnrolmentId, Guid UserId, string DisplayName, int Capacity, int RemainingCapacity, long Score, IReadOnlyList<string> Reasons)
{
    /// <summary>
    /// The reasons as one text, cut to what a stored match explanation holds (self-match requests, late joiners and
    /// re-matches store it; many long reasons failed the save on PostgreSQL).
    /// </summary>
    public string Explanation => ParticipantExplanation.Cut(Reasons.Count == 0 ? "No shared answers to compare yet." : string.Join("; ", Reasons));
}

/// <summary>
/// Ranks a program's approved mentors who still have capacity for given mentees with the matching engine's
/// feature scoring, under the program's matching setup (or, without one, every question flagged as a criterion).
/// Pairs a hard rule or a coordinator's prohibition forbids are left out. Criteria fed by a private question
/// count in the score but never appear in the reasons.
/// </summary>
public sealed class MentorRanking(TandemDb db, Relationships.ITrainingGate training)
{
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<RankedMentor>>> RankAsync(Guid programId, IReadOnlyList<Guid> menteeEnrolmentIds, CancellationToken ct)
    {
        // A mentor without consent (a minor mentor waiting for a guardian, a withdrawal) is never offered (ADR 48), nor one
        // whose account is disabled (ADR 91).
        var unconsented = await ConsentGate.UnconsentedAsync(db, programId, ct);
        var people = await (
            from e in db.Enrolments
            where e.ProgramId == programId && (e.Role == ProgramRole.Mentor || menteeEnrolmentIds.Contains(e.Id)) && !unconsented.Contains(e.UserId) && !e.User!.IsDisabled
            join a in db.Set<Application>().Where(a => a.Status == ApplicationStatus.Approved)
                on new { e.ProgramId, e.UserId, e.Role } equals new { a.ProgramId, a.UserId, a.Role } into apps
            from a in apps.DefaultIfEmpty()
            select new { e.Id, e.UserId, e.User!.DisplayName, e.Role, Approved = a != null, Capacity = a != null ? a.MentorCapacity : null, Answers = a != null ? a.AnswersJson : "{}" })
            .ToListAsync(ct);
        var seats = await db.Set<RelationshipSeat>()
            .Where(s => db.Enrolments.Any(e => e.Id == s.EnrolmentId && e.ProgramId == programId && e.Role == ProgramRole.Mentor))
            .GroupBy(s => s.EnrolmentId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        // Nor one who has not completed the training the program requires (ADR 61): choosing a mentor starts the relationship.
        // Only the mentors are asked about: the gate reads their enrolments and completions, not the whole program's.
        var untrained = await training.MissingAsync(programId, Relationships.TrainingGateStage.Start,
            people.Where(p => p.Role == ProgramRole.Mentor && p.Approved).Select(p => p.Id).ToList(), ct);
        var mentors = people.Where(p => p.Role == ProgramRole.Mentor && p.Approved && !untrained.ContainsKey(p.Id))
            .Select(p => new { p.Id, p.UserId, p.DisplayName, Capacity = p.Capacity ?? 1, Remaining = (p.Capacity ?? 1) - seats.GetValueOrDefault(p.Id), Answers = AnswerSheet.Parse(p.Answers) })
            .Where(m => m.Remaining > 0)
            .OrderBy(m => m.DisplayName).ThenBy(m => m.Id)
            .ToList();
        var mentees = menteeEnrolmentIds.Select(id => people.FirstOrDefault(p => p.Id == id && p.Role != ProgramRole.Mentor))
            .Select(p => p is null ? new Dictionary<string, JsonElement>() : AnswerSheet.Parse(p.Answers)).ToList();

        var forms = await db.Set<Questionnaire>().AsNoTracking().Where(q => q.ProgramId == programId).ToListAsync(ct);
        // A reason a mentee reads never quotes a private or a sensitive answer (ADR 111).
        var privateIds = forms.SelectMany(f => f.Questions()).Where(q => q.Private || q.Sensitive).Select(q => q.Id).ToHashSet();
        var setup = await db.Set<MatchSetup>().AsNoTracking().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        var criteria = setup?.Criteria() ?? DefaultCriteria(forms);
        var forbidden = (await db.Set<MatchRule>().AsNoTracking()
                .Where(r => r.ProgramId == programId && r.Kind == MatchRuleKind.Forbid)
                .Select(r => new { r.FirstEnrolmentId, r.SecondEnrolmentId }).ToListAsync(ct))
            .Select(r => (r.FirstEnrolmentId, r.SecondEnrolmentId)).ToHashSet();

        var engineCriteria = EngineAdapter.Criteria(criteria);
        var isPrivate = criteria.Select(c => privateIds.Contains(c.MenteeQuestionId) || privateIds.Contains(c.MentorQuestionId)).ToArray();
        var scorer = new FeatureScorer(engineCriteria,
            mentees.Select((answers, i) => EngineAdapter.Participant($"mentee{i}", answers, criteria, mentee: true)).ToList(),
            mentors.Select(m => EngineAdapter.Participant(m.Id.ToString(), m.Answers, criteria, mentee: false)).ToList());

        var result = new Dictionary<Guid, IReadOnlyList<RankedMentor>>();
        for (var i = 0; i < menteeEnrolmentIds.Count; i++)
        {
            var ranked = new List<RankedMentor>();
            for (var j = 0; j < mentors.Count; j++)
            {
                var mentor = mentors[j];
                if (forbidden.Contains((mentor.Id, menteeEnrolmentIds[i])))
                {
                    continue;
                }
                var explained = scorer.Explain(i, j);
                if (!explained.Allowed)
                {
                    continue;
                }
                var reasons = explained.Criteria
                    .Where((c, k) => !isPrivate[k] && c.Met && c.Points != 0 && !string.IsNullOrWhiteSpace(c.Text))
                    .Select(c => c.Text).ToList();
                ranked.Add(new RankedMentor(mentor.Id, mentor.UserId, mentor.DisplayName, mentor.Capacity, mentor.Remaining, explained.Score, reasons));
            }
            result[menteeEnrolmentIds[i]] = ranked.OrderByDescending(r => r.Score).ThenByDescending(r => r.RemainingCapacity).ThenBy(r => r.DisplayName).ToList();
        }
        return result;
    }

    /// <summary>The newest mentor and mentee forms' flagged questions, as pool matching uses them by default.</summary>
    private static IReadOnlyList<SetupCriterion> DefaultCriteria(IReadOnlyList<Questionnaire> forms) =>
        MatchingPool.DefaultCriteria(PairingModel.MentorMentee, forms
            .Where(f => f.Role is ProgramRole.Mentor or ProgramRole.Mentee)
            .GroupBy(f => f.Role)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Question>)g.MaxBy(f => f.Version)!.Questions().ToList()));
}
