using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>A draft ready to store: the draft, its rows, its certificate (when proven) and the draft it supersedes.</summary>
public sealed record BuiltDraft(MatchDraft Draft, MatchDraft? Previous, IReadOnlyList<MatchProposal> Proposals, IReadOnlyList<UnmatchedEntry> Unmatched,
    MatchDraftCertificate? Certificate);

/// <summary>
/// Turns a checked match of a pool into a draft (each proposal explained and scored, the people left over with their
/// reasons, the comparison with the previous draft, the certificate) and stores it in one transaction. Used by matching
/// runs and by imported results.
/// </summary>
public static class DraftWriter
{
    public static async Task<BuiltDraft> BuildAsync(TandemDb db, PoolScoring scoring, PoolMatch match, MatchDraftSource source, Guid by, DateTime at, CancellationToken ct)
    {
        var pool = scoring.Pool;
        var programId = pool.Program.Id;
        var previous = await db.Set<MatchDraft>().Where(d => d.ProgramId == programId).OrderByDescending(d => d.Number).FirstOrDefaultAsync(ct);
        var draft = new MatchDraft(programId, (previous?.Number ?? 0) + 1, previous?.Id, pool.Criteria, pool.GroupSize, by, at, source);
        var proposals = new List<MatchProposal>(match.Pairs.Count);
        long total = 0;
        var sharing = 0;
        foreach (var p in match.Pairs)
        {
            // Mentor–mentee: First is the mentor, Second the mentee. Peers: both ways round, by the one peer rule.
            var explanation = scoring.ExplainPair(p.Second, p.First, out var score, out _);
            total += score;
            if (scoring.SharesFreeTime(p.Second, p.First))
            {
                sharing++;
            }
            var proposal = new MatchProposal(draft.Id, p.Group, pool.Mentors[p.First].EnrolmentId, pool.Mentees[p.Second].EnrolmentId, score, explanation, p.Locked);
            if (match.Stable?.Choices.GetValueOrDefault(new MenteeMentor(p.Second, p.First)) is { } choice)
            {
                proposal.RecordChoice(choice);
            }
            proposals.Add(proposal);
        }
        // People the pool left out for missing training (ADR 61) are listed after the engine's, with the modules they miss.
        var unmatched = match.Unmatched.Concat(pool.Skipped ?? [])
            .Select((u, i) => new UnmatchedEntry(draft.Id, i, new UnmatchedPerson(u.Person.EnrolmentId, u.Person.UserId, u.Person.Name, u.Person.Role, u.Reason)))
            .ToList();
        var comparison = previous is null ? null : await DraftComparer.CompareAsync(db, pool, previous, proposals, ct);
        var proven = match.Assignment?.Optimal == true;
        draft.RecordGroups(match.GroupStatement);
        if (match.Stable is { } stable)
        {
            draft.RecordStability(stable.Statement);
        }
        if (match.Assignment?.Fairness is { } fairness)
        {
            draft.RecordFairness(MatchingGoal.RaiseWorstOff, fairness.LowestScore, fairness.Statement);
        }
        draft.Record(match.MatchedSeekers, unmatched.Count, proposals.Count == 0 ? 0 : Math.Round((double)total / proposals.Count, 2), sharing, total, proven, comparison);
        return new BuiltDraft(draft, previous, proposals, unmatched, proven ? Certificate(draft.Id, pool, match.Assignment!) : null);
    }

    /// <summary>
    /// Stores the draft and supersedes the previous open one, all or nothing: <paramref name="beforeCommit"/> runs last inside
    /// the transaction (a run marks itself done there) and can still refuse, which rolls everything back. False when refused.
    /// A draft made at the same moment by someone else (the same number) is a <see cref="DbUpdateException"/> for the caller.
    /// </summary>
    public static async Task<bool> SaveAsync(TandemDb db, BuiltDraft built, Func<Task<bool>> beforeCommit, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        var saved = await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Only a draft still open as stored is superseded: one published meanwhile stays published (ADR 111).
            if (built.Previous is { } previous)
            {
                await db.Set<MatchDraft>().Where(d => d.Id == previous.Id && d.Status == MatchDraftStatus.Draft)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, MatchDraftStatus.Superseded), ct);
            }
            db.Add(built.Draft);
            await db.SaveChangesAsync(ct);
            await BulkInsert.RunAsync(db, built.Proposals, ct);
            await BulkInsert.RunAsync(db, built.Unmatched, ct);
            if (built.Certificate is { } certificate)
            {
                await BulkInsert.RunAsync(db, [certificate], ct);
            }
            if (!await beforeCommit())
            {
                await transaction.RollbackAsync(ct);
                return false;
            }
            await transaction.CommitAsync(ct);
            return true;
        });
        db.ChangeTracker.Clear();
        return saved;
    }

    private static MatchDraftCertificate Certificate(Guid draftId, PoolData pool, AssignmentResult result)
    {
        var c = result.Certificate;
        var duals = new Dictionary<string, Dictionary<Guid, long>>
        {
            ["mentees"] = pool.Mentees.Select((m, i) => (m.EnrolmentId, i)).ToDictionary(x => x.EnrolmentId, x => c.MenteeDuals[x.i]),
            ["mentors"] = pool.Mentors.Select((m, j) => (m.EnrolmentId, j)).ToDictionary(x => x.EnrolmentId, x => c.MentorDuals[x.j]),
        };
        return new MatchDraftCertificate(draftId, c.CardinalityBonus, c.PrimalWeight, c.DualObjective, result.Statistics.PairsConsidered, JsonSerializer.Serialize(duals));
    }
}
