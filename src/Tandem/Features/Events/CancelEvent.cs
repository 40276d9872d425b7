using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Events;

/// <summary>
/// A coordinator cancels an event that has not started: those going or waiting are told (but nobody the program may not
/// contact, ADR 48), and its .ics says CANCELLED.
/// </summary>
public sealed class CancelEvent(TandemDb db, EventAccess access, GetEvent views, Notify notify, TimeProvider clock)
{
    public const string OnlyCoordinators = "Only the program's coordinators cancel its events.";

    public async Task<Outcome<EventView>> RunAsync(Actor actor, Guid eventId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, eventId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (evt, reader) = found.Value;
        if (!reader.CanManage)
        {
            return new Forbidden(OnlyCoordinators);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (evt.StartsAt <= now)
        {
            return new Conflict("This event has already started; it can no longer be cancelled.");
        }
        if (!evt.Cancel(now))
        {
            return new Conflict("This event is already cancelled.");
        }
        await db.SaveChangesAsync(ct);
        var told = await db.Set<EventRsvp>().Where(r => r.EventId == eventId && r.State != RsvpState.NotGoing).Select(r => r.UserId).ToListAsync(ct);
        await notify.ToProgramAsync(evt.ProgramId, told.Select(id => new NotificationMessage(id, NotificationKind.Events, $"{reader.ProgramName}: {evt.Title} is cancelled",
            $"{evt.Title} on {EventTimes.Describe(evt.StartsAt, evt.EndsAt, evt.TimeZoneId)} will not take place.", EventLinks.Page(evt.ProgramId))).ToList(), ct);
        return await views.RunAsync(actor, eventId, ct);
    }
}

/// <summary>An event's time in words, on the clock of the zone given.</summary>
public static class EventTimes
{
    public static string Describe(DateTime startsAt, DateTime endsAt, string? zone)
    {
        var id = Tandem.Infrastructure.Time.Zones.Find(zone).Id;
        var start = Tandem.Infrastructure.Time.Zones.ToLocal(startsAt, id);
        var end = Tandem.Infrastructure.Time.Zones.ToLocal(endsAt, id);
        var until = end.Date == start.Date ? end.ToString("HH:mm") : end.ToString("ddd d MMM yyyy, HH:mm");
        return $"{start:ddd d MMM yyyy, HH:mm}–{until} ({id})";
    }
}
