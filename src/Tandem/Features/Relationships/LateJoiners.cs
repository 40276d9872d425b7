using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

public sealed record LateJoinMatch(Guid RelationshipId, Guid MenteeEnrolmentId, string MenteeName, Guid MentorEnrolmentId, string MentorName, long Score, string Explanation);

public sealed record LateJoinUnmatched(Guid EnrolmentId, string Name, string Reason);

public sealed record LateJoinResult(IReadOnlyList<LateJoinMatch> Matched, IReadOnlyList<LateJoinUnmatched> Unmatched);

/// <summary>
/// Matches approved mentees who have no mentor yet (late joiners) with mentors who still have capacity, best
/// score first, one relationship at a time (Source = LateJoin). Existing relationships are never touched: only
/// free seats are used, and each start takes its seats under the same unique key as every other start.
/// </summary>
public sealed class MatchLateJoiners(TandemDb db, ProgramAccess programs, MentorRanking ranking, StartRelationship start, TimeProvider clock)
{
    public const int MaxJoiners = 200;

    public async Task<Outcome<LateJoinResult>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await UpdateProgram.FindManageableAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (found.Value!.Pairing != PairingModel.MentorMentee)
        {
            return new Conflict("Late joiners are matched with mentors; a peer program uses pool matching.");
        }
        var joiners = await (
            from e in db.Enrolments
            where e.ProgramId == programId && e.Role == ProgramRole.Mentee
                && !db.Set<RelationshipSeat>().Any(s => s.EnrolmentId == e.Id)
                && db.Set<Application>().Any(a => a.ProgramId == programId && a.UserId == e.UserId && a.Role == ProgramRole.Mentee && a.Status == ApplicationStatus.Approved)
            orderby e.EnrolledAt, e.Id
            select new { e.Id, e.User!.DisplayName })
            .Take(MaxJoiners).ToListAsync(ct);
        var ranked = await ranking.RankAsync(programId, joiners.Select(j => j.Id).ToList(), ct);
        var used = new Dictionary<Guid, int>();
        var matched = new List<LateJoinMatch>();
        var unmatched = new List<LateJoinUnmatched>();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var joiner in joiners)
        {
            var candidates = ranked[joiner.Id].Where(m => m.RemainingCapacity - used.GetValueOrDefault(m.EnrolmentId) > 0).ToList();
            if (candidates.Count == 0)
            {
                unmatched.Add(new LateJoinUnmatched(joiner.Id, joiner.DisplayName, ranked[joiner.Id].Count == 0
                    ? "No mentor with capacity left passes the hard rules for this mentee."
                    : "Every suitable mentor was filled by earlier joiners."));
                continue;
            }
            var best = candidates[0];
            var started = await SeatTransaction.RunAsync(db, () => start.StartAsync(
                new StartRelationshipRequest(programId, [best.EnrolmentId, joiner.Id], RelationshipKind.Pair, today, RelationshipSource.LateJoin,
                    best.Explanation, (int)Math.Clamp(best.Score, 0, 100)), actor.UserId, null, ct), ct);
            if (started.Failure is { } notStarted)
            {
                unmatched.Add(new LateJoinUnmatched(joiner.Id, joiner.DisplayName, notStarted.Detail));
                continue;
            }
            used[best.EnrolmentId] = used.GetValueOrDefault(best.EnrolmentId) + 1;
            matched.Add(new LateJoinMatch(started.Value!.Id, joiner.Id, joiner.DisplayName, best.EnrolmentId, best.DisplayName, best.Score, best.Explanation));
        }
        return new LateJoinResult(matched, unmatched);
    }
}
