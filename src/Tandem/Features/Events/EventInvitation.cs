using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Problems;
using Calendar = Ical.Net.Calendar;

namespace Tandem.Features.Events;

/// <summary>
/// An event as iCalendar (RFC 5545), written with Ical.Net as meetings' are (docs/formats.md): one VEVENT with a stable
/// UID, times in UTC, a SEQUENCE, STATUS CONFIRMED (TENTATIVE while on the waitlist, CANCELLED when cancelled) and the
/// reader as the one attendee, so a second download replaces the same entry in the calendar.
/// </summary>
public static class EventCalendar
{
    public const string ProductId = "-//Tandem//Events//EN";

    public static string Uid(Guid eventId) => $"event-{eventId}@tandem";

    public static string Write(ProgramEvent evt, string programName, string? hostName, (string Name, string Email)? attendee, RsvpState? state, DateTime now, string link)
    {
        var calendar = new Calendar { ProductId = ProductId, Method = "PUBLISH" };
        // The video link for those going (and the host's copy), not while waiting for a place.
        var video = state == RsvpState.Waitlisted ? null : evt.VideoLink;
        var where = evt.Place is not null && video is not null ? $"{evt.Place} / {video}" : evt.Place ?? video;
        var description = $"{programName}{(hostName is null ? "" : $", hosted by {hostName}")}\n\n"
            + (string.IsNullOrEmpty(evt.Description) ? "" : Tandem.Infrastructure.Text.SafeMarkdown.ToPlainText(evt.Description) + "\n\n")
            + (video is null ? "" : $"Join: {video}\n")
            + $"In Tandem: {link}";
        var calendarEvent = new CalendarEvent
        {
            Uid = Uid(evt.Id),
            Start = new CalDateTime(DateTime.SpecifyKind(evt.StartsAt, DateTimeKind.Utc), "UTC"),
            End = new CalDateTime(DateTime.SpecifyKind(evt.EndsAt, DateTimeKind.Utc), "UTC"),
            DtStamp = new CalDateTime(DateTime.SpecifyKind(now, DateTimeKind.Utc), "UTC"),
            Summary = evt.Title,
            Location = where,
            Description = description,
            Sequence = evt.Sequence,
            Status = evt.CancelledAt is not null ? EventStatus.Cancelled : state == RsvpState.Waitlisted ? EventStatus.Tentative : EventStatus.Confirmed,
            Url = Uri.TryCreate(link, UriKind.Absolute, out var uri) ? uri : null,
        };
        calendarEvent.Categories.Add(evt.Kind.ToString());
        if (attendee is { } person)
        {
            calendarEvent.Attendees.Add(new Attendee(CalendarAddress.MailTo(person.Email))
            {
                CommonName = person.Name,
                Role = "REQ-PARTICIPANT",
                ParticipationStatus = state switch
                {
                    RsvpState.Going => "ACCEPTED",
                    RsvpState.Waitlisted => "TENTATIVE",
                    RsvpState.NotGoing => "DECLINED",
                    _ => "NEEDS-ACTION",
                },
            });
        }
        calendar.Events.Add(calendarEvent);
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}

/// <summary>The .ics invitation of an event for someone who answered going (or is on its waitlist), its host and its coordinators.</summary>
public sealed class GetEventInvitation(TandemDb db, EventAccess access, IOptions<EmailOptions> email, TimeProvider clock)
{
    public async Task<Outcome<string>> RunAsync(Actor actor, Guid eventId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, eventId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (evt, reader) = found.Value;
        var state = await db.Set<EventRsvp>().Where(r => r.EventId == eventId && r.UserId == actor.UserId).Select(r => (RsvpState?)r.State).SingleOrDefaultAsync(ct);
        if (state is not (RsvpState.Going or RsvpState.Waitlisted) && !EventAccess.Hosts(actor, evt, reader))
        {
            return new Conflict("The invitation is for those who said they are going: answer the event first.");
        }
        var me = await db.Users.Where(u => u.Id == actor.UserId).Select(u => new { u.DisplayName, u.Email }).SingleOrDefaultAsync(ct);
        var host = evt.HostUserId is null ? null : await db.Users.Where(u => u.Id == evt.HostUserId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
        return EventCalendar.Write(evt, reader.ProgramName, host, me?.Email is null ? null : (me.DisplayName, me.Email), state,
            clock.GetUtcNow().UtcDateTime, email.Value.Link(EventLinks.Page(evt.ProgramId)));
    }
}
