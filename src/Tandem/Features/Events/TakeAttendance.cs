using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Events;

/// <summary>
/// The host's list of an event's answers (going, then the waitlist in order, then not going) and who came, a page at a
/// time; the host is the program's coordinators or the mentor named to host. Anyone else who sees the event gets 403,
/// others 404. Whether a minor came is a record of what they did: a read of it by someone else is written to the audit
/// log (ADR 40, 97).
/// </summary>
public sealed class GetEventAttendance(TandemDb db, EventAccess access, AuditLog audit)
{
    public const string OnlyHosts = "Only the event's host and the program's coordinators see who answered and take attendance.";
    public const string ReadingPurpose = "Reading an event's attendance";
    public const int DefaultPageSize = 50;

    public async Task<Outcome<EventAttendanceView>> RunAsync(Actor actor, Guid eventId, int page = 1, int pageSize = DefaultPageSize, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, eventId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (evt, reader) = found.Value;
        if (!EventAccess.Hosts(actor, evt, reader))
        {
            return new Forbidden(OnlyHosts);
        }
        return await ReadAsync(db, audit, actor, evt, PageRequest.Clamp(page, pageSize), ct);
    }

    /// <summary>One page of the list, in the database's order, with the read of the minors on it logged.</summary>
    internal static async Task<EventAttendanceView> ReadAsync(TandemDb db, AuditLog audit, Actor actor, ProgramEvent evt, PageRequest paging, CancellationToken ct)
    {
        var answers = db.Set<EventRsvp>().Where(r => r.EventId == evt.Id);
        var people = await answers
            .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => new { r.UserId, u.DisplayName, r.State, r.QueuedAt, r.QueueNumber, r.Attended })
            // Going, then the waitlist in its order, then not going; by name within each (the state is stored as text, so
            // its order is spelled out).
            .OrderBy(p => p.State == RsvpState.Going ? 0 : p.State == RsvpState.Waitlisted ? 1 : 2)
            .ThenBy(p => p.State == RsvpState.Waitlisted ? p.QueueNumber : 0)
            .ThenBy(p => p.DisplayName.ToLower()).ThenBy(p => p.UserId)
            .Page(paging)
            .Select(p => new AttendeeView(p.UserId, p.DisplayName, p.State, p.QueuedAt, p.Attended))
            .ToListAsync(ct);
        var total = await paging.TotalAsync(answers, people.Count, ct);
        await audit.RecordAsync(actor, people.Select(p => p.UserId).ToList(), AuditRecord.EventAttendance, evt.Id, evt.ProgramId, ReadingPurpose, ct);
        return new EventAttendanceView(evt.Id, evt.Title, evt.StartsAt, evt.AttendanceTakenAt, paging.Of(people, total));
    }
}

/// <summary>
/// The host records who came, once the event has started (and corrects it later). Only people who answered can be
/// marked; those not listed keep what was recorded (the page sends its own page of people); attendance is what Engagement
/// counts as events attended (ADR 62). Answers with the page asked for, logged as <see cref="GetEventAttendance"/>'s read is.
/// Not after retention anonymised the program: what is recorded then would be kept past its one pass (ADR 128).
/// </summary>
public sealed class RecordEventAttendance(TandemDb db, EventAccess access, IProgramRetention retention, AuditLog audit, TimeProvider clock)
{
    public async Task<Outcome<EventAttendanceView>> RunAsync(Actor actor, Guid eventId, RecordAttendanceRequest request, int page = 1,
        int pageSize = GetEventAttendance.DefaultPageSize, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, eventId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (evt, reader) = found.Value;
        if (!EventAccess.Hosts(actor, evt, reader))
        {
            return new Forbidden(GetEventAttendance.OnlyHosts);
        }
        if (await retention.AnonymisedAtAsync(evt.ProgramId, ct) is not null)
        {
            return new Conflict(CreateEvent.Retained);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (evt.CancelledAt is not null)
        {
            return new Conflict("This event was cancelled; there is no attendance to take.");
        }
        if (evt.StartsAt > now)
        {
            return new Conflict("Attendance is taken once the event has started.");
        }
        var marks = (request.Entries ?? []).Where(m => m.UserId is not null && m.Attended is not null).ToList();
        if (marks.Select(m => m.UserId).Distinct().Count() != marks.Count)
        {
            return Invalid.Field("entries", "Each person is listed once.");
        }
        var ids = marks.Select(m => m.UserId!.Value).ToList();
        var rsvps = await db.Set<EventRsvp>().Where(r => r.EventId == eventId && ids.Contains(r.UserId)).ToDictionaryAsync(r => r.UserId, ct);
        var unknown = ids.Where(id => !rsvps.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            return Invalid.Field("entries", $"{unknown.Count} of the people listed did not answer this event.");
        }
        foreach (var mark in marks)
        {
            rsvps[mark.UserId!.Value].RecordAttendance(mark.Attended!.Value, now);
        }
        evt.NoteAttendanceTaken(now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // Deleted with its program since it was read (ADR 94).
            return new NotFound(EventAccess.NoEvent);
        }
        return await GetEventAttendance.ReadAsync(db, audit, actor, evt, PageRequest.Clamp(page, pageSize), ct);
    }
}
