using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Meetings;

public sealed class MoveMeetingRequest
{
    [Required]
    public DateTimeOffset? StartsAt { get; set; }

    [Range(15, 480)]
    public int? DurationMinutes { get; set; }

    /// <summary>A note for the others with the new time (shown on the meeting as its response note).</summary>
    [StringLength(MoveMeeting.NoteMax)]
    public string? Note { get; set; }
}

public sealed class MoveMeeting(TandemDb db, MeetingChanges changes, MeetingMailer mailer, TimeProvider clock)
{
    public const int NoteMax = 1000;

    /// <summary>Moves one meeting or one occurrence of a series; the others in the relationship accept the new time.</summary>
    public async Task<Outcome<MeetingView>> RunAsync(Actor actor, Guid meetingId, MoveMeetingRequest request, CancellationToken ct = default)
    {
        var (meeting, failure, isMember) = await changes.FindAsync(actor, meetingId, ct);
        if (failure is not null)
        {
            return failure;
        }
        if (!isMember && !await changes.CoordinatesGroupAsync(actor, meeting!, ct))
        {
            return new Forbidden("Only the people in a pair move its meetings.");
        }
        if (await changes.RetainedAsync(meeting!.ProgramId, ct) is { } retained)
        {
            return retained;
        }
        if (await changes.NotActiveAsync(meeting!, ct) is { } inactive)
        {
            return inactive;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (request.StartsAt!.Value.UtcDateTime <= now)
        {
            return Invalid.Field(nameof(request.StartsAt), "A meeting starts in the future.");
        }
        if (Scheduling.TooFarAhead(request.StartsAt.Value.UtcDateTime, now))
        {
            return Invalid.Field(nameof(request.StartsAt), Scheduling.TooFarAheadMessage("A meeting"));
        }
        // The request's [StringLength] runs only on the API; the page builds the request itself.
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        if (note?.Length > NoteMax)
        {
            return Invalid.Field(nameof(request.Note), $"A note is at most {NoteMax} characters; this one has {note.Length}.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await changes.ClaimAsync(meeting!, now, ct))
        {
            return MeetingChanges.Raced();
        }
        if (!meeting!.Reschedule(request.StartsAt.Value.UtcDateTime, request.DurationMinutes ?? meeting.DurationMinutes, actor.UserId, now, note))
        {
            return new Conflict($"A {meeting.Status.ToString().ToLowerInvariant()} meeting cannot be moved.");
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await mailer.SendAsync([meeting], MeetingChange.Proposed, actor.UserId, "Meeting moved", ct);
        return (await MeetingViews.ToViewsAsync(db, actor, [meeting], ct))[0];
    }
}
