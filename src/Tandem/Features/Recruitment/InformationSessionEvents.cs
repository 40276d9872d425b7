using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Recruitment;

/// <summary>
/// Recruitment's information sessions are events of kind <see cref="EventKind.InformationSession"/> (ADR 70): scheduled
/// here or on the events page, answered here or there, with the events' waitlist, .ics, reminders and attendance. This
/// reads them as Recruitment's <see cref="InformationSessionView"/> (sign-ups are the answers "going").
/// </summary>
internal static class InformationSessionEvents
{
    public const string NoSession = "No information session with this id.";

    public static IQueryable<ProgramEvent> All(TandemDb db) => db.Set<ProgramEvent>().Where(e => e.Kind == EventKind.InformationSession);

    /// <summary>Those not cancelled: the lists show these.</summary>
    public static IQueryable<ProgramEvent> Open(TandemDb db) => All(db).Where(e => e.CancelledAt == null);

    /// <summary>Whether the reader manages the session's program (its staff and administrators see every session's link).</summary>
    public static Task<bool> ManagesAsync(TandemDb db, ProgramAccess access, Actor actor, Guid programId, CancellationToken ct) =>
        access.Visible(actor).Where(p => p.Id == programId).Where(access.Manageable(actor)).AnyAsync(ct);

    public static async Task<List<InformationSessionView>> ViewsAsync(TandemDb db, IQueryable<ProgramEvent> events, Guid userId, bool manages, CancellationToken ct)
    {
        var rsvps = db.Set<EventRsvp>();
        var rows = await events.Select(e => new
        {
            Event = e,
            Waitlisted = rsvps.Count(r => r.EventId == e.Id && r.State == RsvpState.Waitlisted),
            Mine = rsvps.Where(r => r.EventId == e.Id && r.UserId == userId).Select(r => (RsvpState?)r.State).FirstOrDefault(),
        }).AsNoTracking().ToListAsync(ct);
        return rows.Select(r => View(r.Event, r.Waitlisted, r.Mine, manages || r.Event.HostUserId == userId)).ToList();
    }

    public static async Task<InformationSessionView> ViewAsync(TandemDb db, Guid eventId, Guid userId, bool manages, CancellationToken ct) =>
        (await ViewsAsync(db, All(db).Where(e => e.Id == eventId), userId, manages, ct)).Single();

    /// <summary>
    /// The session as the reader sees it. Its video link goes to those signed up (going), the host and the program's
    /// staff, as an event's does: not to someone on the waitlist, who would simply join the call, or to anyone who has
    /// not signed up; they see only that the session is online.
    /// </summary>
    public static InformationSessionView View(ProgramEvent e, int waitlisted, RsvpState? mine, bool hostOrStaff) => new(
        e.Id, e.ProgramId, e.Title, e.StartsAt, e.TimeZoneId, SessionTimes.Local(e.StartsAt, e.TimeZoneId), (int)Math.Round((e.EndsAt - e.StartsAt).TotalMinutes),
        e.Place, mine == RsvpState.Going || hostOrStaff ? e.VideoLink : null, e.VideoLink is not null, e.Capacity, e.GoingCount,
        e.Capacity is { } capacity ? Math.Max(0, capacity - e.GoingCount) : null,
        mine == RsvpState.Going, waitlisted, mine == RsvpState.Waitlisted);
}
