using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Matching;

namespace Tandem.Features.Matching;

public sealed record LateJoinMatch(Guid RelationshipId, Guid MenteeEnrolmentId, string MenteeName, Guid MentorEnrolmentId, string MentorName, long Score, string Explanation);

public sealed record LateJoinUnmatched(Guid EnrolmentId, string Name, string Reason);

public sealed record LateJoinResult(IReadOnlyList<LateJoinMatch> Matched, IReadOnlyList<LateJoinUnmatched> Unmatched);

/// <summary>
/// Matches approved mentees who have no mentor yet (late joiners) with mentors who still have capacity, with the
/// matching engine: the most joiners matched, then the greatest total score, certified optimal over every allowed
/// joiner–mentor pair (the engine's answer, not first-come-first-served). Existing relationships are never touched:
/// mentors offer only their free places, and each start takes its seats under the same unique key as every other
/// start (a seat taken meanwhile leaves that joiner unmatched with the reason). Both sides are told who and why.
/// </summary>
public sealed class MatchLateJoiners(TandemDb db, ProgramAccess programs, MentorRanking ranking, StartRelationship start, RelationshipNotices notices, ITrainingGate training, IProgramRetention retention, TimeProvider clock)
{
    public const int MaxJoiners = 200;

    public async Task<Outcome<LateJoinResult>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (await MatchingAccess.RefusalAsync(retention, programId, found.Value!.Status, ct) is { } refused)
        {
            return refused;
        }
        if (found.Value!.Pairing != PairingModel.MentorMentee)
        {
            return new Conflict("Late joiners are matched with mentors; a peer program uses pool matching.");
        }
        var unconsented = await ConsentGate.UnconsentedAsync(db, programId, ct);
        var joiners = await (
            from e in db.Enrolments
            where e.ProgramId == programId && e.Role == ProgramRole.Mentee && !unconsented.Contains(e.UserId) && !e.User!.IsDisabled
                && !db.Set<RelationshipSeat>().Any(s => s.EnrolmentId == e.Id)
                && db.Set<Application>().Any(a => a.ProgramId == programId && a.UserId == e.UserId && a.Role == ProgramRole.Mentee && a.Status == ApplicationStatus.Approved)
            orderby e.EnrolledAt, e.Id
            select new { e.Id, e.User!.DisplayName })
            .Take(MaxJoiners).ToListAsync(ct);
        // A joiner who has not completed the training the program requires waits for the next round (ADR 61).
        var untrained = await training.MissingAsync(programId, TrainingGateStage.Start, joiners.Select(j => j.Id).ToList(), ct);
        joiners = joiners.Where(j => !untrained.ContainsKey(j.Id)).ToList();
        var ranked = await ranking.RankAsync(programId, joiners.Select(j => j.Id).ToList(), ct);

        // Mentors with free places, indexed for the engine; pairs are what the ranking allows (hard rules, prohibitions).
        var mentors = ranked.Values.SelectMany(r => r).DistinctBy(m => m.EnrolmentId).OrderBy(m => m.EnrolmentId).ToList();
        var mentorIndex = mentors.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => x.i);
        // Among equally good answers, earlier joiners come first: the score is scaled so that the joining-order bonus
        // (at most joiners² in total) can never outweigh one point of score.
        var scale = (long)joiners.Count * joiners.Count + 1;
        var pairs = joiners.SelectMany((j, i) => ranked[j.Id].Select(m =>
            new ScoredPair(i, mentorIndex[m.EnrolmentId], Math.Max(0, m.Score) * scale + (joiners.Count - i)))).ToList();
        var solved = OptimalAssignment.Solve(new AssignmentProblem(joiners.Count, mentors.Select(m => Math.Max(0, m.RemainingCapacity)).ToArray(), pairs));

        var matched = new List<LateJoinMatch>();
        var unmatched = new List<LateJoinUnmatched>();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        try
        {
            for (var i = 0; i < joiners.Count; i++)
            {
                var joiner = joiners[i];
                if (solved.MentorOfMentee[i] < 0)
                {
                    unmatched.Add(new LateJoinUnmatched(joiner.Id, joiner.DisplayName, ranked[joiner.Id].Count == 0
                        ? "No mentor with capacity left passes the hard rules for this mentee."
                        : "Every suitable mentor's free places went to other joiners (the engine matches as many joiners as possible)."));
                    continue;
                }
                var best = ranked[joiner.Id].Single(m => m.EnrolmentId == mentors[solved.MentorOfMentee[i]].EnrolmentId);
                var started = await SeatTransaction.RunAsync(db, () => start.StartAsync(
                    new StartRelationshipRequest(programId, [best.EnrolmentId, joiner.Id], RelationshipKind.Pair, today, RelationshipSource.LateJoin,
                        best.Explanation, (int)Math.Clamp(best.Score, 0, 100)), actor.UserId, null, ct), ct);
                if (started.Failure is { } notStarted)
                {
                    unmatched.Add(new LateJoinUnmatched(joiner.Id, joiner.DisplayName, notStarted.Detail));
                    continue;
                }
                matched.Add(new LateJoinMatch(started.Value!.Id, joiner.Id, joiner.DisplayName, best.EnrolmentId, best.DisplayName, best.Score, best.Explanation));
            }
        }
        catch (Exception) when (matched.Count > 0)
        {
            // Each start is committed on its own: when a later one fails unexpectedly, those already started are still told
            // who and why (the failed one's changes are dropped first, so the notices' commit does not carry them).
            db.ChangeTracker.Clear();
            await notices.StartedAsync(matched.Select(m => m.RelationshipId).ToList(), CancellationToken.None);
            throw;
        }
        await notices.StartedAsync(matched.Select(m => m.RelationshipId).ToList(), ct);
        return new LateJoinResult(matched, unmatched);
    }
}
