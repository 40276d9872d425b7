using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Meetings;

public enum MeetingResponse { Accept, Decline, ProposeAnotherTime }

public sealed class RespondToMeetingRequest
{
    [Required]
    public MeetingResponse? Response { get; set; }

    /// <summary>For <see cref="MeetingResponse.ProposeAnotherTime"/>: the new start.</summary>
    public DateTimeOffset? StartsAt { get; set; }

    [StringLength(1000)]
    public string? Note { get; set; }

    /// <summary>
    /// For an occurrence of a series: also answer the series' later occurrences (those starting after this one) still waiting
    /// for this person's answer. In a group, an occurrence this person answered already keeps their answer.
    /// </summary>
    public bool WholeSeries { get; set; } = true;
}

/// <summary>
/// Accept, decline or propose another time (the other side of the proposal). Every change bumps the iCalendar
/// SEQUENCE and goes out by e-mail with an .ics.
/// </summary>
public sealed class RespondToMeeting(TandemDb db, MeetingChanges changes, MeetingAccess access, MeetingMailer mailer, Notify notify, TimeProvider clock)
{
    public async Task<Outcome<MeetingView>> RunAsync(Actor actor, Guid meetingId, RespondToMeetingRequest request, CancellationToken ct = default)
    {
        // An undefined answer would fall through to "another time" below.
        if (request.Response is not { } response || !Enum.IsDefined(response))
        {
            return Invalid.Field(nameof(request.Response), "Answer Accept, Decline or ProposeAnotherTime.");
        }
        var (meeting, failure, isMember) = await changes.FindAsync(actor, meetingId, ct);
        if (failure is not null)
        {
            return failure;
        }
        if (!isMember)
        {
            return new Forbidden("Only the people in the relationship answer its meeting proposals.");
        }
        if (meeting!.ProposedByUserId == actor.UserId)
        {
            return new Conflict("You proposed this time; the other side answers it.");
        }
        // Before the decline's exemption below: a decline carries a note and sends notices too.
        if (await changes.RetainedAsync(meeting.ProgramId, ct) is { } retained)
        {
            return retained;
        }
        if (request.Response != MeetingResponse.Decline && await changes.NotActiveAsync(meeting, ct) is { } inactive)
        {
            return inactive;
        }
        if (request.Response is MeetingResponse.Accept or MeetingResponse.Decline
            && await db.Set<Relationship>().AnyAsync(r => r.Id == meeting.RelationshipId && r.Kind == RelationshipKind.Group, ct))
        {
            return await AnswerForGroupAsync(actor, meeting, request, ct);
        }
        if (meeting.Status != MeetingStatus.Proposed)
        {
            return new Conflict($"The meeting is already {meeting.Status.ToString().ToLowerInvariant()}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var affected = new List<Meeting> { meeting };
        if (request.Response != MeetingResponse.ProposeAnotherTime && request.WholeSeries && meeting.SeriesId is { } seriesId)
        {
            affected.AddRange(await db.Set<Meeting>().Where(m => m.SeriesId == seriesId && m.Id != meeting.Id
                && m.Status == MeetingStatus.Proposed && m.ProposedByUserId == meeting.ProposedByUserId && m.StartsAt > meeting.StartsAt).ToListAsync(ct));
        }
        // Every meeting answered is claimed as it was read, the later ones with this one (ADR 125): the partner cancelling
        // or moving one of them at the same moment makes this answer a 409 instead of being written over.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await changes.ClaimAsync(affected, now, ct))
        {
            return MeetingChanges.Raced();
        }
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        MeetingChange change;
        string title;
        switch (request.Response)
        {
            case MeetingResponse.Accept:
                affected.ForEach(m => m.Accept(actor.UserId, now));
                change = MeetingChange.Accepted;
                title = "Meeting accepted";
                break;
            case MeetingResponse.Decline:
                affected.ForEach(m => m.Decline(actor.UserId, now, note));
                change = MeetingChange.Cancelled;
                title = "Meeting declined";
                break;
            default:
                if (request.StartsAt is not { } other || other.UtcDateTime <= now)
                {
                    return Invalid.Field(nameof(request.StartsAt), "Give another start in the future.");
                }
                if (Scheduling.TooFarAhead(other.UtcDateTime, now))
                {
                    return Invalid.Field(nameof(request.StartsAt), Scheduling.TooFarAheadMessage("A meeting"));
                }
                meeting.Reschedule(other.UtcDateTime, meeting.DurationMinutes, actor.UserId, now, note);
                change = MeetingChange.Proposed;
                title = "Another time proposed";
                break;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await mailer.SendAsync(affected, change, actor.UserId, title, ct);
        return (await MeetingViews.ToViewsAsync(db, actor, [meeting], ct))[0];
    }

    private const string NobodyCanCome = "Nobody can come: meeting declined";

    /// <summary>
    /// A group member says whether they are coming (ADR 11): their own answer, kept per meeting and person, and the
    /// meeting's status settled from all answers. Answers to the same meeting are serialised by a claim on its row
    /// (same time, still open) so that two members answering at the same moment both count; a move in between
    /// makes the later answer a 409. Everyone hears by e-mail only when the status changes; otherwise the
    /// proposer gets an in-app notice.
    /// </summary>
    private async Task<Outcome<MeetingView>> AnswerForGroupAsync(Actor actor, Meeting meeting, RespondToMeetingRequest request, CancellationToken ct)
    {
        if (meeting.Status is not (MeetingStatus.Proposed or MeetingStatus.Accepted))
        {
            return new Conflict($"The meeting is already {meeting.Status.ToString().ToLowerInvariant()}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var answer = request.Response == MeetingResponse.Accept ? AttendanceAnswer.Coming : AttendanceAnswer.NotComing;
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var affected = new List<Meeting> { meeting };
        if (request.WholeSeries && meeting.SeriesId is { } seriesId)
        {
            // Only the occurrences after this one (not earlier ones still pending), and only those this person has not
            // answered at their current time: "and the rest of the series" never overwrites an answer given one by one.
            affected.AddRange(await db.Set<Meeting>().Where(m => m.SeriesId == seriesId && m.Id != meeting.Id && m.StartsAt > meeting.StartsAt
                && m.ProposedByUserId != actor.UserId && (m.Status == MeetingStatus.Proposed || m.Status == MeetingStatus.Accepted)
                && !db.Set<MeetingAnswer>().Any(a => a.MeetingId == m.Id && a.UserId == actor.UserId && a.Sequence == m.Sequence)).ToListAsync(ct));
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Every meeting answered is claimed at the time it was read (ADR 125), the later ones with this one: an answer to one
        // of them from another tab waits for this one or makes it a 409, and a move in between makes it a 409.
        if (!await changes.ClaimOpenAsync(affected, now, ct))
        {
            return MeetingChanges.Raced();
        }
        // Re-read under the claim, in one query: another member's answer may have settled a status meanwhile.
        var ids = affected.Select(m => m.Id).ToList();
        affected.ForEach(m => db.Entry(m).State = EntityState.Detached);
        var reread = await db.Set<Meeting>().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        meeting = reread[meeting.Id];
        affected = ids.Select(id => reread[id]).ToList();
        var mine = await db.Set<MeetingAnswer>().Where(a => ids.Contains(a.MeetingId) && a.UserId == actor.UserId).ToDictionaryAsync(a => a.MeetingId, ct);
        // A later occurrence this person answered on its own since it was read (another tab) keeps that answer.
        affected.RemoveAll(m => m.Id != meeting.Id && mine.TryGetValue(m.Id, out var given) && given.Sequence == m.Sequence);
        foreach (var m in affected)
        {
            if (mine.TryGetValue(m.Id, out var existing))
            {
                existing.Change(answer, note, m.Sequence, now);
            }
            else
            {
                db.Add(new MeetingAnswer(m.Id, actor.UserId, answer, note, m.Sequence, now));
            }
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another answer of this person's to one of these meetings was inserted first (the claim makes it rare).
            return MeetingChanges.Raced();
        }

        var members = await db.Set<RelationshipMember>().Where(r => r.RelationshipId == meeting.RelationshipId).Select(r => r.UserId).ToListAsync(ct);
        var answers = await GroupAnswers.ForAsync(db, affected, ct);
        var before = affected.ToDictionary(m => m.Id, m => m.Status);
        foreach (var m in affected)
        {
            var current = answers[m.Id].Where(a => a.UserId != m.ProposedByUserId && members.Contains(a.UserId)).ToList();
            m.Settle(current.Count(a => a.Answer == AttendanceAnswer.Coming), current.Count(a => a.Answer == AttendanceAnswer.NotComing),
                members.Count(u => u != m.ProposedByUserId), actor.UserId, now, note);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        var goingAhead = affected.Where(m => before[m.Id] != MeetingStatus.Accepted && m.Status == MeetingStatus.Accepted).ToList();
        var calledOff = affected.Where(m => m.Status == MeetingStatus.Declined).ToList();
        var name = await db.Users.Where(u => u.Id == actor.UserId).Select(u => u.DisplayName).SingleAsync(ct);
        var title = answer == AttendanceAnswer.Coming ? $"{name} is coming" : $"{name} is not coming";
        var settled = goingAhead.Count > 0 || calledOff.Count > 0;
        if (settled)
        {
            if (goingAhead.Count > 0)
            {
                await mailer.SendAsync(goingAhead, MeetingChange.Accepted, actor.UserId, title, ct);
            }
            if (calledOff.Count > 0)
            {
                await mailer.SendAsync(calledOff, MeetingChange.Cancelled, actor.UserId, NobodyCanCome, ct);
            }
        }
        // The proposer hears every answer; a coordinator who proposed is not a member, so is not among the others above.
        if ((!settled || !members.Contains(meeting.ProposedByUserId)) && await ProposerHearsAsync(meeting, members, ct))
        {
            await notify.StoreToProgramAsync(meeting.ProgramId, [new NotificationMessage(meeting.ProposedByUserId, NotificationKind.Meetings, calledOff.Count > 0 ? NobodyCanCome : title,
                MeetingMailer.NoticeBody(name, meeting) + (note is null ? "" : "\nThey added a note: open the meeting in Tandem to read it."), MeetingMailer.MeetingPath(meeting))], ct);
        }
        return (await MeetingViews.ToViewsAsync(db, actor, [meeting], ct))[0];
    }

    /// <summary>
    /// Whether the proposer is told of a group member's answer (not its note, read on the meeting's page): only while they are still a member of the
    /// group or still manage its program (a coordinator removed from the program no longer reads the group's answers) and
    /// their account is not disabled; the notice itself goes through the consent gate (ADR 48).
    /// </summary>
    private async Task<bool> ProposerHearsAsync(Meeting meeting, List<Guid> members, CancellationToken ct)
    {
        var proposer = meeting.ProposedByUserId;
        var administrators = db.AdministratorIds();
        var account = await db.Users.Where(u => u.Id == proposer)
            .Select(u => new { u.IsDisabled, IsAdministrator = administrators.Contains(u.Id) })
            .SingleOrDefaultAsync(ct);
        if (account is null || account.IsDisabled)
        {
            return false;
        }
        return members.Contains(proposer) || await access.ManagedProgramIds(new Actor(proposer, account.IsAdministrator)).ContainsAsync(meeting.ProgramId, ct);
    }
}
