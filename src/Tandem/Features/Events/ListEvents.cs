using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Events;

/// <summary>
/// A program's events for the people in it: upcoming ones soonest first (or, with <c>past</c>, ended ones latest first);
/// participants see those of their audience and those they are named to host, the program's staff and coordinators all
/// of them; anyone else finds no program (404).
/// </summary>
public sealed class ListEvents(TandemDb db, EventAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<EventView>>> RunAsync(Actor actor, Guid programId, bool past, int page, int pageSize, CancellationToken ct = default)
    {
        var reader = await access.ReaderAsync(actor, programId, ct);
        if (reader is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var audiences = reader.Audiences;
        var me = actor.UserId;
        // A mentor named to host the mentees' event finds it here, as EventAccess lets them open it.
        var events = db.Set<ProgramEvent>().Where(e => e.ProgramId == programId && (audiences.Contains(e.Audience) || e.HostUserId == me));
        events = past ? events.Where(e => e.EndsAt <= now) : events.Where(e => e.EndsAt > now);
        var total = await events.CountAsync(ct);
        var ordered = past ? events.OrderByDescending(e => e.StartsAt).ThenByDescending(e => e.Id) : events.OrderBy(e => e.StartsAt).ThenBy(e => e.Id);
        var views = await EventViews.ReadAsync(db, ordered.Page(paging), actor, reader, now, ct);
        return paging.Of(views, total);
    }
}

/// <summary>One event for someone who may see it (404 otherwise, whatever its id).</summary>
public sealed class GetEvent(TandemDb db, EventAccess access, TimeProvider clock)
{
    public async Task<Outcome<EventView>> RunAsync(Actor actor, Guid eventId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, eventId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (_, reader) = found.Value;
        var views = await EventViews.ReadAsync(db, db.Set<ProgramEvent>().Where(e => e.Id == eventId), actor, reader, clock.GetUtcNow().UtcDateTime, ct);
        // Deleted with its program since it was found (ADR 94).
        return views.Count == 0 ? new NotFound(EventAccess.NoEvent) : views[0];
    }
}

/// <summary>Events as their readers see them, read in one query (counts, the host's name and the reader's own answer as subqueries).</summary>
internal static class EventViews
{
    public static async Task<List<EventView>> ReadAsync(TandemDb db, IQueryable<ProgramEvent> events, Actor actor, EventReader reader, DateTime now, CancellationToken ct)
    {
        var userId = actor.UserId;
        var rsvps = db.Set<EventRsvp>();
        var rows = await events.Select(e => new
        {
            Event = e,
            Waitlisted = rsvps.Count(r => r.EventId == e.Id && r.State == RsvpState.Waitlisted),
            HostName = db.Users.Where(u => u.Id == e.HostUserId).Select(u => u.DisplayName).FirstOrDefault(),
            Mine = rsvps.Where(r => r.EventId == e.Id && r.UserId == userId).Select(r => (RsvpState?)r.State).FirstOrDefault(),
            // Their place in line, counted by the database: those waiting who asked no later than they did.
            Position = rsvps.Count(r => r.EventId == e.Id && r.State == RsvpState.Waitlisted
                && r.QueueNumber <= rsvps.Where(m => m.EventId == e.Id && m.UserId == userId && m.State == RsvpState.Waitlisted).Select(m => (int?)m.QueueNumber).FirstOrDefault()),
        }).AsNoTracking().ToListAsync(ct);
        return rows.Select(r =>
        {
            var e = r.Event;
            int? position = r.Mine == RsvpState.Waitlisted && r.Position > 0 ? r.Position : null;
            return new EventView(e.Id, e.ProgramId, e.Kind, e.Title, e.Description, e.StartsAt, e.EndsAt, e.TimeZoneId, Zones.ToLocal(e.StartsAt, e.TimeZoneId),
                // The video link goes to those going, the host and staff (as on the page; README "Events"): not to a person who
                // said no, is waiting for a place, or has not answered.
                e.Place, r.Mine == RsvpState.Going || reader.ReadsAll || EventAccess.Hosts(actor, e, reader) ? e.VideoLink : null, e.VideoLink is not null, e.Audience, e.Capacity, e.GoingCount, r.Waitlisted, e.Capacity is { } cap ? Math.Max(0, cap - e.GoingCount) : null,
                r.HostName, e.CancelledAt, r.Mine, position,
                CanRsvp: e.CancelledAt is null && e.StartsAt > now && reader.MayAnswer(e),
                CanTakeAttendance: EventAccess.Hosts(actor, e, reader) && e.CancelledAt is null && e.StartsAt <= now);
        }).ToList();
    }
}
