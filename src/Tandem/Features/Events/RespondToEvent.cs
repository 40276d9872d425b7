using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Events;

/// <summary>
/// A participant answers an event: going (a place while one is left, the waitlist after), or not going (their place goes
/// to the first on the waitlist). One transaction that starts by locking the event's row, and only while it is neither
/// cancelled nor started (<see cref="EventPlaces.LockOpenAsync"/>): answers to the same event are taken one at a time on
/// both databases, the count of those going is read and changed only under the lock, two people never take the last place,
/// and no answer slips in after a cancellation (ADR 62, 97). Each change is told to the organisation's signed webhooks
/// (<c>event.rsvp</c>) in the same commit; people given a place from the waitlist are notified after it (but nobody the
/// program may not contact, ADR 48).
/// </summary>
public sealed class RespondToEvent(TandemDb db, EventAccess access, EventPlaces places, IProgramRetention retention, GetEvent views, TimeProvider clock)
{
    public const string NotInAudience = "Only the program's participants in this event's audience answer it.";
    public const string Cancelled = "This event was cancelled.";
    public const string CancelledMeanwhile = "This event was cancelled while you answered, so your answer was not taken.";
    public const string Started = "This event has already started; answers are closed.";

    public async Task<Outcome<EventView>> RunAsync(Actor actor, Guid eventId, bool going, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, eventId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (evt, reader) = found.Value;
        if (!reader.MayAnswer(evt))
        {
            return new Forbidden(NotInAudience);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (evt.CancelledAt is not null)
        {
            return new Conflict(Cancelled);
        }
        if (evt.StartsAt <= now)
        {
            return new Conflict(Started);
        }
        // Retention anonymised the program's answers once; one given afterwards would be kept for good (ADR 114).
        if (await retention.AnonymisedAtAsync(evt.ProgramId, ct) is not null)
        {
            return new Conflict(CreateEvent.Retained);
        }

        TakenAnswer? taken;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // The lock: every answer to this event waits here for the one before it to commit. What was read above may be
            // old by now, so the lock itself asks again whether the event is still open.
            if (!await places.LockOpenAsync(eventId, now, ct))
            {
                await transaction.RollbackAsync(ct);
                return await ClosedMeanwhileAsync(eventId, ct);
            }
            try
            {
                taken = await places.AnswerAsync(eventId, evt.ProgramId, evt.Capacity, actor.UserId, going, now, ct);
            }
            catch (DbUpdateException e) when (e.IsLostUpdate())
            {
                // Deleted with its program since it was read (ADR 94); the transaction's disposal rolls back.
                return new NotFound(EventAccess.NoEvent);
            }
            if (taken is null)
            {
                await transaction.RollbackAsync(ct);
                return await views.RunAsync(actor, eventId, ct);
            }
            await transaction.CommitAsync(ct);
        }

        await places.TellPromotedAsync(taken.Promoted.Select(p => new EventPromotion(evt.ProgramId, reader.ProgramName, evt.Title, p.UserId)).ToList(), ct);
        return await views.RunAsync(actor, eventId, ct);
    }

    /// <summary>Why the lock found the event closed: gone (404), cancelled or started since it was read (409).</summary>
    private async Task<Failure> ClosedMeanwhileAsync(Guid eventId, CancellationToken ct)
    {
        var state = await db.Set<ProgramEvent>().AsNoTracking().Where(e => e.Id == eventId).Select(e => new { e.CancelledAt }).SingleOrDefaultAsync(ct);
        return state is null ? new NotFound(EventAccess.NoEvent)
            : state.CancelledAt is not null ? new Conflict(CancelledMeanwhile)
            : new Conflict(Started);
    }
}

/// <summary>Paths of the event pages, for notifications and channel posts.</summary>
public static class EventLinks
{
    public static string Page(Guid programId) => $"/programs/{programId}/events";

    public static string Attendance(Guid programId, Guid eventId) => $"/programs/{programId}/events/{eventId}/attendance";
}
