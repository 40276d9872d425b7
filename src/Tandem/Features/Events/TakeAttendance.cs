using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Events;

/// <summary>
/// The host's list of an event's answers (going, then the waitlist in order, then not going) and who came; the host is
/// the program's coordinators or the mentor named to host. Anyone else who sees the event gets 403, others 404.
/// </summary>
public sealed class GetEventAttendance(TandemDb db, EventAccess access)
{
    public const string OnlyHosts = "Only the event's host and the program's coordinators see who answered and take attendance.";

    public async Task<Outcome<EventAttendanceView>> RunAsync(Actor actor, Guid eventId, CancellationToken ct = default)
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
        return await ReadAsync(db, evt, ct);
    }

    internal static async Task<EventAttendanceView> ReadAsync(TandemDb db, ProgramEvent evt, CancellationToken ct)
    {
        var people = (await db.Set<EventRsvp>().Where(r => r.EventId == evt.Id)
                .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => new { r.UserId, u.DisplayName, r.State, r.QueuedAt, r.QueueNumber, r.Attended })
                .ToListAsync(ct))
            .OrderBy(p => p.State).ThenBy(p => p.State == RsvpState.Waitlisted ? p.QueueNumber : 0)
            .ThenBy(p => p.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .Select(p => new AttendeeView(p.UserId, p.DisplayName, p.State, p.QueuedAt, p.Attended)).ToList();
        return new EventAttendanceView(evt.Id, evt.Title, evt.StartsAt, evt.AttendanceTakenAt, people);
    }
}

/// <summary>
/// The host records who came, once the event has started (and corrects it later). Only people who answered can be
/// marked; attendance is what Engagement counts as events attended (ADR 62).
/// </summary>
public sealed class RecordEventAttendance(TandemDb db, EventAccess access, TimeProvider clock)
{
    public async Task<Outcome<EventAttendanceView>> RunAsync(Actor actor, Guid eventId, RecordAttendanceRequest request, CancellationToken ct = default)
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
        await db.SaveChangesAsync(ct);
        return await GetEventAttendance.ReadAsync(db, evt, ct);
    }
}
