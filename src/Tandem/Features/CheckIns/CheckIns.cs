using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

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
}

public sealed record CheckInView(
    Guid Id, Guid RelationshipId, Guid? MeetingId, Guid AuthorUserId, string AuthorName, bool Happened,
    string Topics, string? Progress, string? Challenges, string? NextSteps, int? Rating, DateTime OccurredAt, DateTime CreatedAt, DateTime? UpdatedAt);

/// <summary>
/// A member records whether a meeting happened and how it went (recording again corrects their own
/// check-in), or a mentor logs an unscheduled contact. Coordinators read check-ins but do not write them.
/// </summary>
public sealed class RecordCheckIn(TandemDb db, RelationshipAccess relationships, TimeProvider clock)
{
    public async Task<Outcome<CheckInView>> RunAsync(Actor actor, Guid relationshipId, CheckInRequest request, CancellationToken ct = default)
    {
        var relationship = await relationships.Readable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.Id, r.Status, Me = r.Members.Where(m => m.UserId == actor.UserId).Select(m => (ProgramRole?)m.Role).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        if (relationship.Me is not { } role)
        {
            return new Forbidden("Only the members of a pair or group record its check-ins.");
        }
        if (relationship.Status is RelationshipStatus.Completed or RelationshipStatus.EndedEarly)
        {
            return new Conflict("This relationship has ended; its check-ins can no longer change.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var happened = request.Happened ?? true;
        if (happened && string.IsNullOrWhiteSpace(request.Topics))
        {
            return Invalid.Field(nameof(request.Topics), "Say briefly what you talked about.");
        }
        var log = new CheckInLog(request.Topics, request.Progress, request.Challenges, request.NextSteps, request.Rating);

        CheckIn? checkIn;
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
            checkIn = new CheckIn(relationshipId, null, actor.UserId, true, log, occurredAt, now);
            db.Set<CheckIn>().Add(checkIn);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("You recorded this meeting's check-in at the same moment elsewhere; reload and try again.");
        }
        var name = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        return checkIn.ToView(name);
    }
}

/// <summary>A relationship's check-ins, newest first, for its members and the program's coordinators.</summary>
public sealed class ListCheckIns(TandemDb db, RelationshipAccess relationships)
{
    public async Task<Outcome<Paged<CheckInView>>> RunAsync(Actor actor, Guid relationshipId, int page, int pageSize, CancellationToken ct = default)
    {
        if (!await relationships.Readable(actor).AnyAsync(r => r.Id == relationshipId, ct))
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var checkIns = db.Set<CheckIn>().Where(c => c.RelationshipId == relationshipId);
        var total = await checkIns.CountAsync(ct);
        var items = await checkIns
            .OrderByDescending(c => c.OccurredAt).ThenByDescending(c => c.Id)
            .Page(paging)
            .Join(db.Users, c => c.AuthorUserId, u => u.Id, (c, u) => new CheckInView(
                c.Id, c.RelationshipId, c.MeetingId, c.AuthorUserId, u.DisplayName, c.Happened, c.Topics, c.Progress,
                c.Challenges, c.NextSteps, c.Rating, c.OccurredAt, c.CreatedAt, c.UpdatedAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}

public static class CheckInMapping
{
    public static CheckInView ToView(this CheckIn c, string authorName) => new(
        c.Id, c.RelationshipId, c.MeetingId, c.AuthorUserId, authorName, c.Happened, c.Topics, c.Progress,
        c.Challenges, c.NextSteps, c.Rating, c.OccurredAt, c.CreatedAt, c.UpdatedAt);
}

public sealed record MeetingToCheckIn(Guid MeetingId, DateTime StartsAt, bool CheckedIn);

public sealed record CheckInContext(Guid RelationshipId, bool IsMember, ProgramRole? MyRole, bool IsOpen, IReadOnlyList<MeetingToCheckIn> RecentMeetings);

/// <summary>What the check-in form needs: may the actor record, and which recent meetings are there to check in on.</summary>
public sealed class GetCheckInContext(TandemDb db, RelationshipAccess relationships, TimeProvider clock)
{
    public async Task<Outcome<CheckInContext>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var relationship = await relationships.Readable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.Status, Me = r.Members.Where(m => m.UserId == actor.UserId).Select(m => (ProgramRole?)m.Role).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var meetings = relationship.Me is null
            ? []
            : await db.Set<Meeting>()
                .Where(m => m.RelationshipId == relationshipId && m.Status == MeetingStatus.Accepted && m.StartsAt <= now)
                .OrderByDescending(m => m.StartsAt).Take(10)
                .Select(m => new MeetingToCheckIn(m.Id, m.StartsAt, db.Set<CheckIn>().Any(c => c.MeetingId == m.Id && c.AuthorUserId == actor.UserId)))
                .ToListAsync(ct);
        return new CheckInContext(relationshipId, relationship.Me is not null, relationship.Me,
            relationship.Status is RelationshipStatus.Active or RelationshipStatus.Paused, meetings);
    }
}
