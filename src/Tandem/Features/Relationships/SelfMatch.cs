using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

public sealed record AvailableMentorView(Guid EnrolmentId, string DisplayName, int RemainingCapacity, long Score, IReadOnlyList<string> Reasons);

public sealed record MentorRequestView(
    Guid Id, Guid ProgramId, string ProgramName, Guid MenteeEnrolmentId, string MenteeName, Guid MentorEnrolmentId, string MentorName,
    string Message, string? MatchExplanation, MentorRequestStatus Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? DecidedAt,
    string? DecisionNote, Guid? RelationshipId, bool IAmTheMentor);

public sealed class MentorRequestBody
{
    [Required]
    public Guid? MentorEnrolmentId { get; set; }

    [Required, StringLength(2000, MinimumLength = 1)]
    public string Message { get; set; } = "";
}

public sealed class MentorRequestDecision
{
    [Required]
    public bool? Accept { get; set; }

    [StringLength(1000)]
    public string? Note { get; set; }
}

/// <summary>What self-match needs to know about the actor as a mentee of a program.</summary>
internal static class SelfMatchMentee
{
    public static async Task<Outcome<(Enrolment Enrolment, ProgramSelfMatchSettings Settings)>> FindAsync(TandemDb db, ProgramAccess programs, Actor actor, Guid programId, CancellationToken ct)
    {
        if (!await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var enrolment = await db.Enrolments.SingleOrDefaultAsync(e => e.ProgramId == programId && e.UserId == actor.UserId && e.Role == ProgramRole.Mentee, ct);
        if (enrolment is null)
        {
            return new Forbidden("Only the program's mentees choose a mentor.");
        }
        var settings = await ProgramSelfMatchSettings.LoadAsync(db, programId, ct);
        if (!settings.SelfMatchEnabled)
        {
            return new Conflict("This program does not let mentees choose their mentor; the coordinators match you.");
        }
        if (await db.Set<RelationshipSeat>().AnyAsync(s => s.EnrolmentId == enrolment.Id, ct))
        {
            return new Conflict("You already have a mentor in this program.");
        }
        return (enrolment, settings);
    }
}

/// <summary>A mentee's ranked list of mentors with room left, with the reasons from the engine's scoring.</summary>
public sealed class ListAvailableMentors(TandemDb db, ProgramAccess programs, MentorRanking ranking)
{
    public const int MaxPageSize = 50;

    public async Task<Outcome<Paged<AvailableMentorView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await SelfMatchMentee.FindAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize, MaxPageSize);
        var menteeId = found.Value.Enrolment.Id;
        var ranked = (await ranking.RankAsync(programId, [menteeId], ct))[menteeId];
        var items = ranked.Page(paging)
            .Select(r => new AvailableMentorView(r.EnrolmentId, r.DisplayName, r.RemainingCapacity, r.Score, r.Reasons)).ToList();
        return paging.Of(items, ranked.Count);
    }
}

/// <summary>A mentee asks one available mentor, with a message; one pending request at a time.</summary>
public sealed class RequestMentor(TandemDb db, ProgramAccess programs, MentorRanking ranking, MentorRequests requests, Notify notify, TimeProvider clock)
{
    public async Task<Outcome<MentorRequestView>> RunAsync(Actor actor, Guid programId, MentorRequestBody body, CancellationToken ct = default)
    {
        var found = await SelfMatchMentee.FindAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (enrolment, settings) = found.Value;
        var message = body.Message.Trim();
        if (message.Length == 0)
        {
            return Invalid.Field(nameof(body.Message), "Write a short message to the mentor.");
        }
        if (await db.Set<MentorRequest>().AnyAsync(r => r.MenteeEnrolmentId == enrolment.Id && r.Status == MentorRequestStatus.Pending, ct))
        {
            return new Conflict("You already have a request waiting for an answer; withdraw it first.");
        }
        var ranked = (await ranking.RankAsync(programId, [enrolment.Id], ct))[enrolment.Id];
        if (ranked.FirstOrDefault(r => r.EnrolmentId == body.MentorEnrolmentId) is not { } mentor)
        {
            return new Conflict("This mentor is not available to you (no capacity left, or not a mentor of this program).");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var request = new MentorRequest(programId, enrolment.Id, actor.UserId, mentor.EnrolmentId, mentor.UserId, message,
            mentor.Explanation, (int)Math.Clamp(mentor.Score, 0, 100), now, now.AddDays(settings.RequestTimeoutDays));
        db.Add(request);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return new Conflict("You already have a request waiting for an answer; withdraw it first.");
        }
        var menteeName = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        await notify.RunAsync(mentor.UserId, "A mentee asks you to be their mentor",
            $"{menteeName} would like you as their mentor: “{message}”. Please accept or decline by {request.ExpiresAt:d MMM yyyy}.", "/my/relationships", ct);
        return (await requests.ViewsAsync(actor, db.Set<MentorRequest>().Where(r => r.Id == request.Id), ct)).Single();
    }
}

/// <summary>Reads self-match requests: the actor's own (as mentee or mentor).</summary>
public sealed class MentorRequests(TandemDb db)
{
    public async Task<Paged<MentorRequestView>> MineAsync(Actor actor, int page, int pageSize, bool pendingOnly, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<MentorRequest>().Where(r => r.MenteeUserId == actor.UserId || r.MentorUserId == actor.UserId);
        if (pendingOnly)
        {
            mine = mine.Where(r => r.Status == MentorRequestStatus.Pending);
        }
        var total = await mine.CountAsync(ct);
        var items = await ViewsAsync(actor, mine.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id).Page(paging), ct);
        return paging.Of(items, total);
    }

    internal async Task<List<MentorRequestView>> ViewsAsync(Actor actor, IQueryable<MentorRequest> requests, CancellationToken ct) =>
        await requests.Select(r => new MentorRequestView(
            r.Id, r.ProgramId, db.Programs.Where(p => p.Id == r.ProgramId).Select(p => p.Name).First(),
            r.MenteeEnrolmentId, db.Users.Where(u => u.Id == r.MenteeUserId).Select(u => u.DisplayName).First(),
            r.MentorEnrolmentId, db.Users.Where(u => u.Id == r.MentorUserId).Select(u => u.DisplayName).First(),
            r.Message, r.MatchExplanation, r.Status, r.CreatedAt, r.ExpiresAt, r.DecidedAt, r.DecisionNote, r.RelationshipId,
            r.MentorUserId == actor.UserId)).ToListAsync(ct);
}

/// <summary>
/// The mentor accepts or declines a request. Accepting starts the relationship (Source = SelfMatch) in the same
/// transaction, with capacity checked at that moment: when two acceptances race for the last seat, exactly one wins.
/// </summary>
public sealed class DecideMentorRequest(TandemDb db, StartRelationship start, MentorRequests requests, Notify notify, TimeProvider clock)
{
    public async Task<Outcome<MentorRequestView>> RunAsync(Actor actor, Guid requestId, MentorRequestDecision decision, CancellationToken ct = default)
    {
        var accept = decision.Accept ?? false;
        var note = decision.Note?.Trim() is { Length: > 0 } n ? n : null;
        var outcome = await SeatTransaction.RunAsync(db, async () =>
        {
            var request = await db.Set<MentorRequest>().SingleOrDefaultAsync(r => r.Id == requestId && (r.MentorUserId == actor.UserId || r.MenteeUserId == actor.UserId), ct);
            if (request is null)
            {
                return new NotFound("No request with this id is visible to you.");
            }
            if (request.MentorUserId != actor.UserId)
            {
                return new Forbidden("Only the mentor who was asked accepts or declines.");
            }
            var now = clock.GetUtcNow().UtcDateTime;
            if (request.Status != MentorRequestStatus.Pending || now >= request.ExpiresAt)
            {
                return new Conflict(request.Status == MentorRequestStatus.Pending ? "This request has timed out." : $"This request is already {request.Status}.");
            }
            if (!accept)
            {
                request.Decline(now, note);
                await db.SaveChangesAsync(ct);
                return Outcome(request);
            }
            var started = await start.StartAsync(new StartRelationshipRequest(request.ProgramId, [request.MentorEnrolmentId, request.MenteeEnrolmentId],
                RelationshipKind.Pair, DateOnly.FromDateTime(now), RelationshipSource.SelfMatch, request.MatchExplanation, request.MatchScore), actor.UserId, null, ct);
            if (started.Failure is { } failure)
            {
                return failure;
            }
            request.Accept(started.Value!.Id, now);
            await db.SaveChangesAsync(ct);
            return Outcome(request);
        }, ct);
        if (outcome.Failure is { } notDone)
        {
            return notDone;
        }
        var decided = outcome.Value!;
        var mentorName = await db.Users.Where(u => u.Id == decided.MentorUserId).Select(u => u.DisplayName).SingleAsync(ct);
        await notify.RunAsync(decided.MenteeUserId,
            accept ? $"{mentorName} is your mentor" : $"{mentorName} declined your request",
            accept ? "Your request was accepted. Say hello and plan your first meeting." : $"You can ask another mentor.{(note is null ? "" : $" Their note: “{note}”")}",
            "/my/relationships", ct);
        return (await requests.ViewsAsync(actor, db.Set<MentorRequest>().Where(r => r.Id == requestId), ct)).Single();
    }

    private static Outcome<MentorRequest> Outcome(MentorRequest request) => request;
}

/// <summary>The mentee withdraws their pending request.</summary>
public sealed class WithdrawMentorRequest(TandemDb db, MentorRequests requests, TimeProvider clock)
{
    public async Task<Outcome<MentorRequestView>> RunAsync(Actor actor, Guid requestId, CancellationToken ct = default)
    {
        var request = await db.Set<MentorRequest>().SingleOrDefaultAsync(r => r.Id == requestId && (r.MentorUserId == actor.UserId || r.MenteeUserId == actor.UserId), ct);
        if (request is null)
        {
            return new NotFound("No request with this id is visible to you.");
        }
        if (request.MenteeUserId != actor.UserId)
        {
            return new Forbidden("Only the mentee who asked withdraws a request.");
        }
        if (!request.Withdraw(clock.GetUtcNow().UtcDateTime))
        {
            return new Conflict($"This request is already {request.Status} or has timed out.");
        }
        await db.SaveChangesAsync(ct);
        return (await requests.ViewsAsync(actor, db.Set<MentorRequest>().Where(r => r.Id == requestId), ct)).Single();
    }
}

/// <summary>
/// Times out pending requests whose time is up. Each request is claimed with a conditional update (only a row
/// still pending changes), so two app nodes never time out, or notify about, the same request twice.
/// </summary>
public sealed class ExpireMentorRequests(TandemDb db, Notify notify, TimeProvider clock)
{
    public const int BatchSize = 200;

    public async Task<int> RunAsync(string node, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Set<MentorRequest>().AsNoTracking()
            .Where(r => r.Status == MentorRequestStatus.Pending && r.ExpiresAt <= now)
            .OrderBy(r => r.ExpiresAt).Take(BatchSize)
            .Select(r => new { r.Id, r.MenteeUserId, r.MentorUserId })
            .ToListAsync(ct);
        var expired = 0;
        foreach (var request in due)
        {
            var claimed = await db.Set<MentorRequest>()
                .Where(r => r.Id == request.Id && r.Status == MentorRequestStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, MentorRequestStatus.TimedOut)
                    .SetProperty(r => r.DecidedAt, now)
                    .SetProperty(r => r.ClaimedBy, node)
                    .SetProperty(r => r.ClaimedAt, now), ct);
            if (claimed == 1)
            {
                expired++;
                await notify.RunAsync(request.MenteeUserId, "Your mentor request timed out",
                    "The mentor did not answer in time. You can ask another mentor.", "/my/relationships", ct);
            }
        }
        return expired;
    }
}

/// <summary>Runs <see cref="ExpireMentorRequests"/> every few minutes in a fresh scope.</summary>
public sealed class MentorRequestTimeoutWorker(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<MentorRequestOptions> options, TimeProvider clock, ILogger<MentorRequestTimeoutWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.TimeoutWorkerEnabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var expired = await scope.ServiceProvider.GetRequiredService<ExpireMentorRequests>().RunAsync(_node, stoppingToken);
                if (expired > 0)
                {
                    logger.LogInformation("Timed out {Count} mentor requests", expired);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Timing out mentor requests failed; trying again at the next tick");
            }
        }
    }
}
