using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>The best partners for one person waiting in the pool, with explanations (for assigning by hand).</summary>
public sealed class ListCandidates(MatchingAccess access, MatchingPool pools, Privacy.AuditLog audit)
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
        // Each explanation quotes both people's answers: a read of a minor's is audited before it is shown (ADR 111).
        await audit.RecordAsync(actor, best.Select(c => c.Person.UserId).Append(person.UserId).ToList(),
            Privacy.AuditRecord.Application, null, programId, GetMatchDraft.ExplanationsPurpose, ct);
        return new CandidatesView(Ref(person), best);
    }

    private static CandidateView Candidate(PoolMember member, long score, bool allowed, bool forbidden, IReadOnlyList<ProposalCriterion> explanation) =>
        new(Ref(member), score, allowed, forbidden, explanation);

    private static PersonRef Ref(PoolMember m) => new(m.EnrolmentId, m.UserId, m.Name, m.Role);
}
