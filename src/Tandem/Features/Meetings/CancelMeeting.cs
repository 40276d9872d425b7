using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

public sealed class CancelMeetingRequest
{
    [StringLength(1000)]
    public string? Note { get; set; }

    /// <summary>Cancel this and every later occurrence of its series.</summary>
    public bool WholeSeries { get; set; }
}

/// <summary>Cancels a meeting, or it and the later occurrences of its series; the .ics goes out as CANCEL.</summary>
public sealed class CancelMeeting(TandemDb db, MeetingChanges changes, MeetingMailer mailer, TimeProvider clock)
{
    public async Task<Outcome<MeetingView>> RunAsync(Actor actor, Guid meetingId, CancelMeetingRequest request, CancellationToken ct = default)
    {
        var (meeting, failure, isMember) = await changes.FindAsync(actor, meetingId, ct);
        if (failure is not null)
        {
            return failure;
        }
        if (!isMember && !await changes.CoordinatesGroupAsync(actor, meeting!, ct))
        {
            return new Forbidden("Only the people in a pair cancel its meetings.");
        }
        if (await changes.RetainedAsync(meeting!.ProgramId, ct) is { } retained)
        {
            return retained;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var affected = new List<Meeting> { meeting };
        if (request.WholeSeries && meeting.SeriesId is { } seriesId)
        {
            affected.AddRange(await db.Set<Meeting>().Where(m => m.SeriesId == seriesId && m.Id != meeting.Id && m.StartsAt > meeting.StartsAt
                && (m.Status == MeetingStatus.Proposed || m.Status == MeetingStatus.Accepted)).ToListAsync(ct));
        }
        // The later meetings are claimed with this one, each as it was read (ADR 125): an answer or move to one of them at
        // the same moment makes this a 409 rather than one of the two being written over.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await changes.ClaimAsync(affected, now, ct))
        {
            return MeetingChanges.Raced();
        }
        if (!meeting.Cancel(actor.UserId, now, note))
        {
            return new Conflict($"The meeting is already {meeting.Status.ToString().ToLowerInvariant()}.");
        }
        foreach (var later in affected.Skip(1))
        {
            later.Cancel(actor.UserId, now, note);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await mailer.SendAsync(affected, MeetingChange.Cancelled, actor.UserId, affected.Count == 1 ? "Meeting cancelled" : "Meetings cancelled", ct);
        return (await MeetingViews.ToViewsAsync(db, actor, [meeting], ct))[0];
    }
}
