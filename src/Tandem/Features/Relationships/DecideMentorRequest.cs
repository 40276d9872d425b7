using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

public sealed class MentorRequestDecision
{
    [Required]
    public bool? Accept { get; set; }

    [StringLength(1000)]
    public string? Note { get; set; }
}

/// <summary>
/// The mentor accepts or declines a request. Accepting starts the relationship (Source = SelfMatch) in the same
/// transaction, with capacity checked at that moment: when two acceptances race for the last seat, exactly one wins.
/// </summary>
public sealed class DecideMentorRequest(TandemDb db, StartRelationship start, MentorRequestViews requests, Notify notify, Programs.IProgramRetention retention,
    TimeProvider clock)
{
    public const string NoLongerAcceptable = "This request can no longer be accepted.";
    public const string Retained = "This program's data has been anonymised after it closed, so its mentor requests are no longer answered.";

    public async Task<Outcome<MentorRequestView>> RunAsync(Actor actor, Guid requestId, MentorRequestDecision decision, CancellationToken ct = default)
    {
        var accept = decision.Accept ?? false;
        var note = decision.Note?.Replace("\r\n", "\n").Trim() is { Length: > 0 } n ? n : null;
        if (note?.Length > 1000)
        {
            return Invalid.Field(nameof(decision.Note), "The note is at most 1000 characters.");
        }
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
            // Retention anonymises a program once (ADR 49) and times its pending requests out: a decline's note written after
            // it would be kept for good, and its notice would reach people of a program long closed (ADR 126).
            if (await retention.AnonymisedAtAsync(request.ProgramId, ct) is not null)
            {
                return new Conflict(Retained);
            }
            var now = clock.GetUtcNow().UtcDateTime;
            if (request.Status != MentorRequestStatus.Pending || now >= request.ExpiresAt)
            {
                return new Conflict(await MentorRequestClaim.AlreadyAsync(db, request.Id, ct));
            }
            // An acceptance starts a relationship, which reads the mentee's consent under the program's lock (ADR 126); taken
            // here, before the request's claim, so that a consent's withdrawal (which takes the lock, then closes the person's
            // requests) and this take the two in the same order, and the check below reads the consent under it too.
            if (accept)
            {
                await Programs.ProgramLock.TakeAsync(db, request.ProgramId, ct);
            }
            // A mentee the program may no longer match (consent not given, account disabled, matched meanwhile, training not
            // passed) is refused without saying why: StartRelationship's 409 names the person and the reason, which is not the
            // mentor's to know (ADR 91, ADR 112). What it may still refuse is about the mentor or the program.
            if (accept && !await start.MenteeMayStartAsync(request.ProgramId, request.MenteeUserId, request.MenteeEnrolmentId, ct))
            {
                return new Conflict(NoLongerAcceptable);
            }
            // Only from Pending, claimed before anything else is written (ADR 112): a withdrawal, a time-out or a consent's
            // withdrawal at the same moment either finds the request decided or makes this 409, and the relationship started
            // below is rolled back with it.
            if (!await MentorRequestClaim.ClaimAsync(db, request.Id, accept ? MentorRequestStatus.Accepted : MentorRequestStatus.Declined, now, ct))
            {
                return new Conflict(await MentorRequestClaim.AlreadyAsync(db, request.Id, ct));
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
        // A decline reaches a mentee only while the program may contact them (ADR 48). The mentor's note stays on the request
        // (shown on the mentee's relationships page), not in the notice or its e-mail (ADR 105).
        await notify.ToProgramAsync(decided.ProgramId, [new NotificationMessage(decided.MenteeUserId, NotificationKind.Matches,
            accept ? $"{mentorName} is your mentor" : $"{mentorName} declined your request",
            accept ? "Your request was accepted. Say hello and plan your first meeting." : $"You can ask another mentor.{(note is null ? "" : " They left you a note: open your relationships in Tandem to read it.")}",
            "/my/relationships")], ct);
        return (await requests.ViewsAsync(actor, db.Set<MentorRequest>().Where(r => r.Id == requestId), ct)).Single();
    }

    private static Outcome<MentorRequest> Outcome(MentorRequest request) => request;
}
