using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.CheckIns;

public sealed class CheckInRequest
{
    /// <summary>The meeting this check-in is about; leave empty to log an unscheduled contact (mentors and peers).</summary>
    public Guid? MeetingId { get; set; }

    [Required]
    public bool? Happened { get; set; }

    [StringLength(CheckIn.TopicsMax)]
    public string? Topics { get; set; }

    [StringLength(CheckIn.TextMax)]
    public string? Progress { get; set; }

    [StringLength(CheckIn.TextMax)]
    public string? Challenges { get; set; }

    [StringLength(CheckIn.TextMax)]
    public string? NextSteps { get; set; }

    [Range(1, 5)]
    public int? Rating { get; set; }

    /// <summary>When the contact took place (UTC); required for an unscheduled contact, the meeting's start otherwise.</summary>
    public DateTime? OccurredAt { get; set; }

    /// <summary>Optional: the pair's action items this check-in ticks off as done (at most 50; each must be one of this pair's).</summary>
    [MaxLength(MaxCompletedActionItems)]
    public List<Guid>? CompletedActionItemIds { get; set; }

    public const int MaxCompletedActionItems = 50;
}

/// <summary>
/// A member records whether a meeting happened and how it went (recording again corrects their own
/// check-in), or a mentor logs an unscheduled contact. Coordinators read check-ins but do not write them.
/// </summary>
public sealed class RecordCheckIn(TandemDb db, RelationshipAccess relationships, IWebhookEvents webhooks, ICheckInActionItems actionItems,
    IEnumerable<IMeetingHeldListener> heldListeners, IProgramRetention retention, TimeProvider clock)
{
    public const string Retained = "This program's data has been anonymised after it closed, so it takes no more check-ins.";
    public const string AlreadyLogged = "You have already logged a contact at this time with this pair or group; it is kept once.";

    public async Task<Outcome<CheckInView>> RunAsync(Actor actor, Guid relationshipId, CheckInRequest request, CancellationToken ct = default)
    {
        var relationship = await relationships.FindReadableAsync(actor, relationshipId, ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        if (relationship.MyRole is not { } role)
        {
            return new Forbidden("Only the members of a pair or group record its check-ins.");
        }
        if (relationship.Status is RelationshipStatus.Completed or RelationshipStatus.EndedEarly)
        {
            return new Conflict("This relationship has ended; its check-ins can no longer change.");
        }
        // Retention anonymised the program's check-ins once; words written afterwards would be kept for good (ADR 108).
        if (await retention.AnonymisedAtAsync(relationship.ProgramId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var happened = request.Happened ?? true;
        if (happened && string.IsNullOrWhiteSpace(request.Topics))
        {
            return Invalid.Field(nameof(request.Topics), "Say briefly what you talked about.");
        }
        if (request.CompletedActionItemIds is { Count: > CheckInRequest.MaxCompletedActionItems })
        {
            return Invalid.Field(nameof(request.CompletedActionItemIds), $"A check-in ticks off at most {CheckInRequest.MaxCompletedActionItems} action items.");
        }
        var log = new CheckInLog(request.Topics, request.Progress, request.Challenges, request.NextSteps, request.Rating);

        // The check-in and the pair's counts change together (ADR 46).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await PairContacts.LockAsync(db, relationshipId, ct);
        CheckIn? checkIn;
        var held = false;
        if (request.MeetingId is { } meetingId)
        {
            var meeting = await db.Set<Meeting>().Where(m => m.Id == meetingId && m.RelationshipId == relationshipId)
                .Select(m => new { m.Status, m.StartsAt }).SingleOrDefaultAsync(ct);
            if (meeting is null)
            {
                return Invalid.Field(nameof(request.MeetingId), "This meeting does not belong to this pair or group.");
            }
            if (meeting.Status != MeetingStatus.Accepted)
            {
                return new Conflict("Only an accepted meeting gets a check-in.");
            }
            if (meeting.StartsAt > now)
            {
                return new Conflict("This meeting has not started yet; check in afterwards.");
            }
            // "Held" is the first check-in that says the meeting happened (read under the pair's lock, so once per meeting).
            held = happened && !await db.Set<CheckIn>().AnyAsync(c => c.MeetingId == meetingId && c.Happened, ct);
            checkIn = await db.Set<CheckIn>().SingleOrDefaultAsync(c => c.MeetingId == meetingId && c.AuthorUserId == actor.UserId, ct);
            if (checkIn is null)
            {
                checkIn = new CheckIn(relationshipId, meetingId, actor.UserId, happened, log, meeting.StartsAt, now);
                db.Set<CheckIn>().Add(checkIn);
            }
            else
            {
                checkIn.Record(happened, log, now);
            }
        }
        else
        {
            if (role is not (ProgramRole.Mentor or ProgramRole.Peer))
            {
                return new Forbidden("Unscheduled contacts are logged by the mentor.");
            }
            if (!happened)
            {
                return Invalid.Field(nameof(request.Happened), "An unscheduled contact is one that happened.");
            }
            if (request.OccurredAt is not { } occurredAt)
            {
                return Invalid.Field(nameof(request.OccurredAt), "Say when the contact took place.");
            }
            occurredAt = occurredAt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(occurredAt, DateTimeKind.Utc) : occurredAt.ToUniversalTime();
            if (occurredAt > now.AddMinutes(5))
            {
                return Invalid.Field(nameof(request.OccurredAt), "A contact cannot be in the future.");
            }
            // A day's grace for the time zones: the start is a date where the pair lives, the contact a time in UTC.
            if (occurredAt < relationship.StartsOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).AddDays(-1))
            {
                return Invalid.Field(nameof(request.OccurredAt), $"A contact cannot be before the pair started ({relationship.StartsOn:yyyy-MM-dd}).");
            }
            // The same contact sent twice (a double click, a form sent again) is one contact: read under the pair's lock, so
            // two at once are told apart too; a second contact in the same minute by the same author is refused (ADR 121).
            var minute = new DateTime(occurredAt.Ticks - occurredAt.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
            var next = minute.AddMinutes(1);
            if (await db.Set<CheckIn>().AnyAsync(c => c.RelationshipId == relationshipId && c.MeetingId == null && c.AuthorUserId == actor.UserId
                    && c.OccurredAt >= minute && c.OccurredAt < next, ct))
            {
                return new Conflict(AlreadyLogged);
            }
            checkIn = new CheckIn(relationshipId, null, actor.UserId, true, log, occurredAt, now);
            db.Set<CheckIn>().Add(checkIn);
            held = true;
        }
        if (held)
        {
            // When it was held and by which check-in, never what was said (ADR 58); committed with the check-in.
            await webhooks.AddAsync(WebhookEvent.ForMeetingHeld(relationshipId, relationship.ProgramId, checkIn.MeetingId, checkIn.Id, checkIn.OccurredAt, now), ct);
        }
        // No savepoint around this save (EF Core makes one inside a transaction of ours): a failed save ends the request
        // and the transaction is rolled back whole, so the savepoint's two extra commands would buy nothing.
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("You recorded this meeting's check-in at the same moment elsewhere; reload and try again.");
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true;
        }
        if (request.CompletedActionItemIds is { Count: > 0 } completed
            && await actionItems.CompleteAsync(relationshipId, completed.Distinct().ToList(), now, ct) is { } refused)
        {
            // The transaction is not committed: the check-in is not kept without the items it said were done.
            return refused;
        }
        await PairContacts.RecountAfterCheckInAsync(db, relationshipId, relationship.StartsOn, checkIn.MeetingId, ct);
        if (held)
        {
            foreach (var listener in heldListeners)
            {
                await listener.MeetingHeldAsync(new MeetingHeld(relationshipId, relationship.ProgramId, checkIn.MeetingId, checkIn.Id, checkIn.OccurredAt), ct);
            }
        }
        await transaction.CommitAsync(ct);
        return checkIn.ToView(relationship.MyName ?? "");
    }
}
