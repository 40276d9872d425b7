using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Events;

/// <summary>
/// A coordinator cancels an event that has not started: those going or waiting who can still see it, and its named host,
/// are told (but nobody the program may not contact, ADR 48), and its .ics says CANCELLED. The cancellation is one
/// conditional UPDATE (not yet cancelled): of two at once, one cancels and tells, the other is 409 (ADR 97); it waits for
/// an answer holding the event's lock, and no answer is taken after it. Once retention anonymised the program (which cancels
/// its events not yet started) nothing is cancelled: the notices would be kept past retention's one pass (ADR 128).
/// </summary>
public sealed class CancelEvent(TandemDb db, EventAccess access, IProgramRetention retention, GetEvent views, Notify notify, TimeProvider clock)
{
    public const string OnlyCoordinators = "Only the program's coordinators cancel its events.";
    public const string AlreadyCancelled = "This event is already cancelled.";

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
        if (await retention.AnonymisedAtAsync(evt.ProgramId, ct) is not null)
        {
            return new Conflict(CreateEvent.Retained);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (evt.StartsAt <= now)
        {
            return new Conflict("This event has already started; it can no longer be cancelled.");
        }
        if (evt.CancelledAt is not null)
        {
            return new Conflict(AlreadyCancelled);
        }
        List<Guid> told;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var cancelled = await db.Set<ProgramEvent>().Where(e => e.Id == eventId && e.CancelledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.CancelledAt, now).SetProperty(e => e.Sequence, e => e.Sequence + 1), ct);
            if (cancelled == 0)
            {
                await transaction.RollbackAsync(ct);
                var gone = !await db.Set<ProgramEvent>().AnyAsync(e => e.Id == eventId, ct);
                return gone ? new NotFound(EventAccess.NoEvent) : new Conflict(AlreadyCancelled);
            }
            // Those who answered and can still see it (not someone removed from the program, nor an applicant of a program
            // no longer recruiting), and whose account is not disabled.
            told = await db.Set<EventRsvp>().Where(r => r.EventId == eventId && r.State != RsvpState.NotGoing)
                .Where(EventSeers.Seen(db))
                .Where(r => db.Users.Any(u => u.Id == r.UserId && !u.IsDisabled))
                .Select(r => r.UserId).ToListAsync(ct);
            // The named host hears of it whether or not they answered, while they are in the program.
            if (evt.HostUserId is { } host && !told.Contains(host)
                && await db.Enrolments.AnyAsync(e => e.ProgramId == evt.ProgramId && e.UserId == host, ct)
                && await db.Users.AnyAsync(u => u.Id == host && !u.IsDisabled, ct))
            {
                told.Add(host);
            }
            await transaction.CommitAsync(ct);
        }
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
