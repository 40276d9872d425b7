using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// One click: runs the engine over the approved, unmatched pool with the program's setup, locks and prohibitions,
/// and stores the result as a new draft (the previous open draft is superseded and kept for comparison).
/// </summary>
public sealed class RunPoolMatching(TandemDb db, MatchingAccess access, MatchingPool pools, TimeProvider clock, ILogger<RunPoolMatching> logger)
{
    public async Task<Outcome<MatchRun>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        return found.Failure is { } failure ? failure : await RunForAsync(actor, found.Value!, null, ct);
    }

    /// <summary>The run for a program whose access the caller has checked, with the pool it loaded when it has one.</summary>
    internal async Task<Outcome<MatchRun>> RunForAsync(Actor actor, MentorshipProgram program, PoolData? loaded, CancellationToken ct)
    {
        var programId = program.Id;
        var started = clock.GetTimestamp();
        var pool = loaded ?? await pools.LoadAsync(program, ct);
        if (pool.Mentees.Count + pool.Mentors.Count > MatchingPool.MaxPoolSize)
        {
            return new Conflict($"The pool has more than {MatchingPool.MaxPoolSize} people; run matching with `tandem solve` on an exported problem.");
        }
        PoolScoring scoring;
        PoolMatch match;
        try
        {
            scoring = new PoolScoring(pool, pool.Criteria);
            match = await Task.Run(() => PoolMatcher.Run(scoring), ct);
        }
        catch (ArgumentException e)
        {
            logger.LogWarning("Matching for program {ProgramId} refused: the setup cannot be used ({Problem})", programId, e.Message);
            return Invalid.Field("criteria", $"The matching setup cannot be used: {e.Message}");
        }

        var previous = await db.Set<MatchDraft>().Where(d => d.ProgramId == programId).OrderByDescending(d => d.Number).FirstOrDefaultAsync(ct);
        var draft = new MatchDraft(programId, (previous?.Number ?? 0) + 1, previous?.Id, pool.Criteria, pool.GroupSize, actor.UserId, clock.GetUtcNow().UtcDateTime);
        var scores = new List<long>();
        var sharing = 0;
        foreach (var p in match.Pairs)
        {
            // Mentor–mentee: First is the mentor, Second the mentee. Peers: both ways round, by the one peer rule.
            var explanation = scoring.ExplainPair(p.Second, p.First, out var score, out _);
            scores.Add(score);
            if (scoring.SharesFreeTime(p.Second, p.First))
            {
                sharing++;
            }
            draft.Proposals.Add(new MatchProposal(draft.Id, p.Group, pool.Mentors[p.First].EnrolmentId, pool.Mentees[p.Second].EnrolmentId, score, explanation, p.Locked));
        }
        draft.Record(match.MatchedSeekers,
            match.Unmatched.Select(u => new UnmatchedPerson(u.Person.EnrolmentId, u.Person.UserId, u.Person.Name, u.Person.Role, u.Reason)).ToList(),
            scores.Count == 0 ? 0 : Math.Round(scores.Average(), 2), sharing);
        if (previous is { Status: MatchDraftStatus.Draft })
        {
            previous.Supersede();
        }
        db.Add(draft);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("Matching ran for this program at the same moment; reload to see the newest draft.");
        }
        logger.LogInformation(
            "Matching for program {ProgramId} by {UserId}: draft {DraftNumber} ({DraftId}) of {Mentors} mentors and {Mentees} mentees, {Proposals} proposals, {Unmatched} unmatched, in {ElapsedMs:F0} ms",
            programId, actor.UserId, draft.Number, draft.Id, pool.Mentors.Count, pool.Mentees.Count, draft.Proposals.Count, match.Unmatched.Count,
            clock.GetElapsedTime(started).TotalMilliseconds);
        return new MatchRun(program, draft, pool.Rules);
    }
}

/// <summary>What a run stored, with what the draft's view needs, so the view is built without reading it back.</summary>
public sealed record MatchRun(MentorshipProgram Program, MatchDraft Draft, IReadOnlyList<MatchRule> Rules);
