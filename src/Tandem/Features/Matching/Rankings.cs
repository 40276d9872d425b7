using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>
/// A mentor offered to a mentee for ranking (the goal <see cref="MatchingGoal.Stable"/>): the mentee ranks the mentors
/// offered to them and each mentor ranks the mentees they were offered to. <see cref="Reasons"/> come from public answers
/// only (participants read them). A rank is 1 for the first choice; <see cref="LeftOut"/> means "not for me" (that pair is
/// never proposed); null means not ranked (after every ranked candidate, best score first).
/// </summary>
public sealed class RankingOffer
{
    /// <summary>The rank of a candidate its ranker left out.</summary>
    public const int LeftOut = 0;

    private RankingOffer() { }

    public RankingOffer(Guid programId, Guid menteeEnrolmentId, Guid mentorEnrolmentId, long score, IReadOnlyList<string> reasons, DateTime offeredAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        MenteeEnrolmentId = menteeEnrolmentId;
        MentorEnrolmentId = mentorEnrolmentId;
        Score = score;
        ReasonsJson = JsonSerializer.Serialize(reasons);
        OfferedAt = offeredAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid MenteeEnrolmentId { get; private set; }
    public Guid MentorEnrolmentId { get; private set; }

    /// <summary>The pair's score when offered (orders the candidates nobody ranked; never shown to participants).</summary>
    public long Score { get; private set; }
    public string ReasonsJson { get; private set; } = "[]";
    public int? MenteeRank { get; private set; }
    public int? MentorRank { get; private set; }
    public DateTime OfferedAt { get; private set; }

    public IReadOnlyList<string> Reasons() => JsonSerializer.Deserialize<List<string>>(ReasonsJson) ?? [];

    /// <summary>A pair offered again keeps what both sides said about it.</summary>
    public void Keep(int? menteeRank, int? mentorRank)
    {
        MenteeRank = menteeRank;
        MentorRank = mentorRank;
    }

    public void Rank(ProgramRole by, int? rank)
    {
        if (by == ProgramRole.Mentee)
        {
            MenteeRank = rank;
        }
        else
        {
            MentorRank = rank;
        }
    }

    public int? RankBy(ProgramRole role) => role == ProgramRole.Mentee ? MenteeRank : MentorRank;
}

/// <summary>How many candidates to offer each mentee.</summary>
public sealed class OfferCandidatesRequest
{
    public const int Most = 10;

    [Range(1, Most)]
    public int Candidates { get; set; } = 5;
}

/// <summary>Where a program's rankings stand (coordinators).</summary>
public sealed record RankingStatusView(bool StableGoal, int Offers, int CandidatesPerMentee, int OfferedMentees, int OfferedMentors,
    int MenteesWhoRanked, int MentorsWhoRanked, DateTime? OfferedAt);

/// <summary>One candidate offered to the person reading: their name, what they share (public answers only) and the reader's own rank.</summary>
public sealed record MyCandidateView(Guid EnrolmentId, string Name, IReadOnlyList<string> Reasons, int? Choice, bool LeftOut);

/// <summary>The reader's candidates to rank in one program; <see cref="Role"/> is the reader's (a mentee ranks mentors and the other way round).</summary>
public sealed record MyCandidatesView(Guid ProgramId, string ProgramName, ProgramRole Role, bool Ranked, IReadOnlyList<MyCandidateView> Candidates);

/// <summary>The reader's rank of one candidate: a choice from 1, or left out ("not for me"), or neither (not ranked).</summary>
public sealed class CandidateRank
{
    [Required]
    public Guid? EnrolmentId { get; set; }
    public int? Choice { get; set; }
    public bool LeftOut { get; set; }
}

public sealed class RankCandidatesRequest
{
    [Required]
    public List<CandidateRank> Candidates { get; set; } = [];
}

/// <summary>
/// Offers each mentee waiting in the pool their best-scoring mentors to rank (hard rules and prohibitions respected, locked
/// mentees skipped), replacing the program's previous offers; a pair offered again keeps both sides' ranks. Everyone with
/// candidates hears in the app.
/// </summary>
public sealed class OfferCandidates(TandemDb db, MatchingAccess access, MatchingPool pools, Notify notify, GetRankingStatus status, TimeProvider clock)
{
    public async Task<Outcome<RankingStatusView>> RunAsync(Actor actor, Guid programId, OfferCandidatesRequest request, CancellationToken ct = default)
    {
        var found = await access.FindOpenAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (request.Candidates is < 1 or > OfferCandidatesRequest.Most)
        {
            return Invalid.Field("candidates", $"Offer between 1 and {OfferCandidatesRequest.Most} candidates to each mentee.");
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        if (pool.IsPeer || pool.Goal != MatchingGoal.Stable)
        {
            return new Conflict("Candidates are offered for ranking only when the matching setup's goal is a stable match by the participants' rankings (mentor–mentee programs); choose it in the matching setup first.");
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
        var forbidden = pool.Rules.Where(r => r.Kind == MatchRuleKind.Forbid).Select(r => (r.FirstEnrolmentId, r.SecondEnrolmentId)).ToHashSet();
        var locked = pool.Rules.Where(r => r.Kind == MatchRuleKind.Lock).Select(r => r.SecondEnrolmentId).ToHashSet();
        var now = clock.GetUtcNow().UtcDateTime;
        var offers = new List<RankingOffer>();
        var row = new int[pool.Mentors.Count];
        for (var i = 0; i < pool.Mentees.Count; i++)
        {
            var mentee = pool.Mentees[i];
            if (locked.Contains(mentee.EnrolmentId) || pool.Mentors.Count == 0)
            {
                continue;
            }
            scoring.Scorer.ScoreRow(i, row);
            var best = Enumerable.Range(0, pool.Mentors.Count)
                .Where(j => row[j] != PairScores.Forbidden && !forbidden.Contains((pool.Mentors[j].EnrolmentId, mentee.EnrolmentId)))
                .OrderByDescending(j => row[j]).ThenBy(j => pool.Mentors[j].Name, StringComparer.Ordinal).ThenBy(j => j)
                .Take(request.Candidates);
            foreach (var j in best)
            {
                var explained = scoring.Explain(i, j, out var score, out _);
                var reasons = explained.Where(c => !c.Private && c.Met && c.Points != 0 && !string.IsNullOrWhiteSpace(c.Text)).Select(c => c.Text).ToList();
                offers.Add(new RankingOffer(programId, mentee.EnrolmentId, pool.Mentors[j].EnrolmentId, score, reasons, now));
            }
        }
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The program's row lock first: another offer waits for this one (two at once inserted the same pairs: a 500 on
            // PostgreSQL). What both sides said about a pair offered again is read after it, so a ranking saved while the
            // candidates were scored is kept (ADR 111).
            await LockProgramAsync(db, programId, ct);
            var before = await db.Set<RankingOffer>().AsNoTracking().Where(o => o.ProgramId == programId)
                .ToDictionaryAsync(o => (o.MenteeEnrolmentId, o.MentorEnrolmentId), ct);
            foreach (var offer in offers)
            {
                if (before.TryGetValue((offer.MenteeEnrolmentId, offer.MentorEnrolmentId), out var kept))
                {
                    offer.Keep(kept.MenteeRank, kept.MentorRank);
                }
            }
            await db.Set<RankingOffer>().Where(o => o.ProgramId == programId).ExecuteDeleteAsync(ct);
            await BulkInsert.RunAsync(db, offers, ct);
            await transaction.CommitAsync(ct);
        });
        var link = $"/programs/{programId}/rank";
        var mentees = offers.Select(o => o.MenteeEnrolmentId).ToHashSet();
        var mentors = offers.Select(o => o.MentorEnrolmentId).ToHashSet();
        var messages = pool.Mentees.Where(m => mentees.Contains(m.EnrolmentId))
            .Select(m => new NotificationMessage(m.UserId, NotificationKind.Matches, "Rank your mentor candidates",
                $"{pool.Program.Name}: put the mentors offered to you in the order you would like them, then save.", link))
            .Concat(pool.Mentors.Where(m => mentors.Contains(m.EnrolmentId))
                .Select(m => new NotificationMessage(m.UserId, NotificationKind.Matches, "Rank your mentee candidates",
                    $"{pool.Program.Name}: put the mentees offered to you in the order you would like them, then save.", link)))
            .ToList();
        // The notices know their program (ADR 105): retention deletes them with it and the digest gates them on its consent.
        await notify.StoreToProgramAsync(programId, messages, ct);
        return await status.StatusAsync(programId, stableGoal: true, ct);
    }

    /// <summary>Two offers of one program happen one at a time: the program's row lock until the transaction ends.</summary>
    private static Task LockProgramAsync(TandemDb db, Guid programId, CancellationToken ct) => Programs.ProgramLock.TakeAsync(db, programId, ct);
}

/// <summary>Where a program's rankings stand: how many were offered, how many have ranked (coordinators only).</summary>
public sealed class GetRankingStatus(TandemDb db, MatchingAccess access)
{
    public async Task<Outcome<RankingStatusView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var goal = await db.Set<MatchSetup>().Where(s => s.ProgramId == programId).Select(s => (MatchingGoal?)s.Goal).SingleOrDefaultAsync(ct);
        return await StatusAsync(programId, goal == MatchingGoal.Stable, ct);
    }

    internal async Task<RankingStatusView> StatusAsync(Guid programId, bool stableGoal, CancellationToken ct)
    {
        var offers = db.Set<RankingOffer>().AsNoTracking().Where(o => o.ProgramId == programId);
        var mentees = await offers.GroupBy(o => o.MenteeEnrolmentId)
            .Select(g => new { Count = g.Count(), Ranked = g.Any(o => o.MenteeRank != null), At = g.Max(o => o.OfferedAt) })
            .ToListAsync(ct);
        var mentors = await offers.GroupBy(o => o.MentorEnrolmentId)
            .Select(g => new { Ranked = g.Any(o => o.MentorRank != null) })
            .ToListAsync(ct);
        return new RankingStatusView(stableGoal, mentees.Sum(m => m.Count), mentees.Count == 0 ? 0 : mentees.Max(m => m.Count), mentees.Count, mentors.Count,
            mentees.Count(m => m.Ranked), mentors.Count(m => m.Ranked), mentees.Count == 0 ? null : mentees.Max(m => m.At));
    }
}

/// <summary>The candidates offered to the reader in one program, with the reader's own ranks (never the other side's).</summary>
public sealed class GetMyCandidates(TandemDb db, ProgramAccess programs)
{
    public async Task<Outcome<MyCandidatesView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await FindAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (program, enrolment) = found.Value;
        var offers = await MineAsync(db, enrolment, ct);
        var names = await NamesAsync(db, offers.Select(o => Other(o, enrolment.Role)).ToList(), ct);
        var candidates = offers
            .OrderBy(o => o.RankBy(enrolment.Role) is > 0 and var r ? r : int.MaxValue)
            .ThenByDescending(o => o.Score)
            .ThenBy(o => names.GetValueOrDefault(Other(o, enrolment.Role)), StringComparer.Ordinal)
            .Select(o => new MyCandidateView(Other(o, enrolment.Role), names.GetValueOrDefault(Other(o, enrolment.Role)) ?? "", o.Reasons(),
                o.RankBy(enrolment.Role) is > 0 and var choice ? choice : null, o.RankBy(enrolment.Role) == RankingOffer.LeftOut))
            .ToList();
        return new MyCandidatesView(programId, program.Name, enrolment.Role, offers.Any(o => o.RankBy(enrolment.Role) is not null), candidates);
    }

    internal static Guid Other(RankingOffer offer, ProgramRole me) => me == ProgramRole.Mentee ? offer.MentorEnrolmentId : offer.MenteeEnrolmentId;

    /// <summary>The program (visible to the reader) and the reader's mentee or mentor enrolment in it.</summary>
    internal static async Task<Outcome<(MentorshipProgram Program, Enrolment Enrolment)>> FindAsync(TandemDb db, ProgramAccess programs, Actor actor, Guid programId, CancellationToken ct)
    {
        var program = await programs.Visible(actor).AsNoTracking().SingleOrDefaultAsync(p => p.Id == programId, ct);
        if (program is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var enrolment = await db.Enrolments.AsNoTracking()
            .Where(e => e.ProgramId == programId && e.UserId == actor.UserId && (e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Mentor))
            .OrderBy(e => e.Role == ProgramRole.Mentee ? 0 : 1)
            .FirstOrDefaultAsync(ct);
        if (enrolment is null)
        {
            return new Forbidden("Only the program's mentors and mentees rank candidates.");
        }
        // Nobody the program may not match or contact ranks, or reads whom they were offered (ADR 48).
        if (await ConsentGate.HoldsBackAsync(db, programId, actor.UserId, ct))
        {
            return new Conflict("You can rank candidates once your consent (or your parent's or guardian's) is given.");
        }
        return (program, enrolment);
    }

    /// <summary>
    /// The reader's offers, without those whose other side the program may no longer match (consent not given since they
    /// were offered, an account disabled since): their name and answers are not shown, nor ranked (ADR 91).
    /// </summary>
    internal static async Task<List<RankingOffer>> MineAsync(TandemDb db, Enrolment enrolment, CancellationToken ct)
    {
        var unconsented = await ConsentGate.UnconsentedAsync(db, enrolment.ProgramId, ct);
        var withheld = db.Enrolments.Where(e => e.ProgramId == enrolment.ProgramId && (unconsented.Contains(e.UserId) || e.User!.IsDisabled)).Select(e => e.Id);
        var offers = db.Set<RankingOffer>().Where(o => o.ProgramId == enrolment.ProgramId);
        offers = enrolment.Role == ProgramRole.Mentee
            ? offers.Where(o => o.MenteeEnrolmentId == enrolment.Id && !withheld.Contains(o.MentorEnrolmentId))
            : offers.Where(o => o.MentorEnrolmentId == enrolment.Id && !withheld.Contains(o.MenteeEnrolmentId));
        return await offers.ToListAsync(ct);
    }

    private static async Task<Dictionary<Guid, string>> NamesAsync(TandemDb db, IReadOnlyList<Guid> enrolmentIds, CancellationToken ct) =>
        await db.Enrolments.AsNoTracking().Where(e => enrolmentIds.Contains(e.Id))
            .Select(e => new { e.Id, e.User!.DisplayName })
            .ToDictionaryAsync(e => e.Id, e => e.DisplayName, ct);
}

/// <summary>
/// The reader ranks the candidates offered to them: each candidate named at most once, choices from 1 to the number of
/// candidates and no two the same; a candidate not named is not ranked. Saving replaces the reader's previous ranking.
/// </summary>
public sealed class RankMyCandidates(TandemDb db, ProgramAccess programs, GetMyCandidates mine)
{
    public const string CandidatesChanged = "Your candidates were just changed; check them and save again.";

    public async Task<Outcome<MyCandidatesView>> RunAsync(Actor actor, Guid programId, RankCandidatesRequest request, CancellationToken ct = default)
    {
        var found = await GetMyCandidates.FindAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (_, enrolment) = found.Value;
        var offers = await GetMyCandidates.MineAsync(db, enrolment, ct);
        if (offers.Count == 0)
        {
            return new Conflict("No candidates have been offered to you to rank yet; your coordinator will let you know.");
        }
        var byCandidate = offers.ToDictionary(o => GetMyCandidates.Other(o, enrolment.Role));
        var errors = new Dictionary<string, string[]>();
        var ranks = new Dictionary<Guid, int?>();
        var used = new HashSet<int>();
        for (var k = 0; k < request.Candidates.Count; k++)
        {
            var entry = request.Candidates[k];
            var field = $"candidates[{k}]";
            if (entry.EnrolmentId is not { } id || !byCandidate.ContainsKey(id))
            {
                errors[$"{field}.enrolmentId"] = ["This person is not one of your candidates."];
                continue;
            }
            if (ranks.ContainsKey(id))
            {
                errors[$"{field}.enrolmentId"] = ["This candidate is ranked twice."];
                continue;
            }
            if (entry.LeftOut && entry.Choice is not null)
            {
                errors[$"{field}.choice"] = ["A candidate marked \"not for me\" has no choice number."];
                continue;
            }
            if (entry.Choice is { } choice)
            {
                if (choice < 1 || choice > offers.Count)
                {
                    errors[$"{field}.choice"] = [$"Choose a number from 1 to {offers.Count}."];
                    continue;
                }
                if (!used.Add(choice))
                {
                    errors[$"{field}.choice"] = [$"Two candidates have the same choice ({Ordinal.Of(choice)}); give each a different number."];
                    continue;
                }
            }
            ranks[id] = entry.LeftOut ? RankingOffer.LeftOut : entry.Choice;
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        // Choices are stored as the order they give (1, 2, 3 …), so "my 3rd choice" means the same to everyone.
        var order = ranks.Where(r => r.Value is > 0).OrderBy(r => r.Value).Select((r, n) => (r.Key, Rank: n + 1)).ToDictionary(x => x.Key, x => x.Rank);
        foreach (var (candidate, offer) in byCandidate)
        {
            offer.Rank(enrolment.Role, order.TryGetValue(candidate, out var position) ? position
                : ranks.GetValueOrDefault(candidate) == RankingOffer.LeftOut ? RankingOffer.LeftOut : null);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The coordinator offered candidates again meanwhile (the offers are replaced whole): the rows read are gone.
            db.ChangeTracker.Clear();
            return new Conflict(CandidatesChanged);
        }
        db.ChangeTracker.Clear();
        return await mine.RunAsync(actor, programId, ct);
    }
}

/// <summary>1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st.</summary>
public static class Ordinal
{
    public static string Of(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };
}
