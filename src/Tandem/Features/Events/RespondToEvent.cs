using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Events;

/// <summary>
/// A participant answers an event: going (a place while one is left, the waitlist after), or not going (their place goes
/// to the first on the waitlist). One transaction that starts by locking the event's row (an UPDATE of it), so answers to
/// the same event are taken one at a time on both databases: the count of those going is read and changed only under the
/// lock, and two people never take the last place (ADR 62). Each change is told to the organisation's signed webhooks
/// (<c>event.rsvp</c>) in the same commit; people given a place from the waitlist are notified after it (but nobody the
/// program may not contact, ADR 48).
/// </summary>
public sealed class RespondToEvent(TandemDb db, EventAccess access, GetEvent views, Notify notify, IWebhookEvents webhooks, TimeProvider clock)
{
    public const string NotInAudience = "Only the program's participants in this event's audience answer it.";

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
            return new Conflict("This event was cancelled.");
        }
        if (evt.StartsAt <= now)
        {
            return new Conflict("This event has already started; answers are closed.");
        }

        var promoted = new List<EventRsvp>();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // The lock: every answer to this event waits here for the one before it to commit.
            await db.Set<ProgramEvent>().Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s.SetProperty(e => e.GoingCount, e => e.GoingCount), ct);
            var rsvps = db.Set<EventRsvp>();
            var mine = await rsvps.SingleOrDefaultAsync(r => r.EventId == eventId && r.UserId == actor.UserId, ct);
            var previous = mine?.State;
            var goingNow = await rsvps.CountAsync(r => r.EventId == eventId && r.State == RsvpState.Going, ct);
            RsvpState next;
            if (going)
            {
                next = previous is RsvpState.Going or RsvpState.Waitlisted ? previous.Value
                    : evt.Capacity is not { } capacity || goingNow < capacity ? RsvpState.Going : RsvpState.Waitlisted;
            }
            else
            {
                next = RsvpState.NotGoing;
            }
            if (next == previous)
            {
                await transaction.RollbackAsync(ct);
                return await views.RunAsync(actor, eventId, ct);
            }
            var queueNumber = (await rsvps.Where(r => r.EventId == eventId).MaxAsync(r => (int?)r.QueueNumber, ct) ?? 0) + 1;
            if (mine is null)
            {
                mine = new EventRsvp(eventId, actor.UserId, next, queueNumber, now);
                rsvps.Add(mine);
            }
            else
            {
                mine.Answer(next, queueNumber, now);
            }
            if (previous == RsvpState.Going)
            {
                goingNow--;
            }
            if (next == RsvpState.Going)
            {
                goingNow++;
            }
            // A freed place goes to the waitlist, first come first served.
            if (evt.Capacity is { } places && goingNow < places)
            {
                promoted = await rsvps.Where(r => r.EventId == eventId && r.State == RsvpState.Waitlisted && r.Id != mine.Id)
                    .OrderBy(r => r.QueueNumber).Take(places - goingNow).ToListAsync(ct);
                foreach (var lucky in promoted)
                {
                    lucky.Promote(now);
                }
                goingNow += promoted.Count;
            }
            db.Entry(evt).Property(e => e.GoingCount).CurrentValue = goingNow;
            await webhooks.AddAsync(WebhookEvent.ForEventRsvp(eventId, evt.ProgramId, mine.Id, actor.UserId, next.ToString(), false, goingNow, evt.Capacity, now), ct);
            foreach (var lucky in promoted)
            {
                await webhooks.AddAsync(WebhookEvent.ForEventRsvp(eventId, evt.ProgramId, lucky.Id, lucky.UserId, nameof(RsvpState.Going), true, goingNow, evt.Capacity, now), ct);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        if (promoted.Count > 0)
        {
            await notify.ToProgramAsync(evt.ProgramId, promoted.Select(p => new NotificationMessage(p.UserId, NotificationKind.Events,
                $"{reader.ProgramName}: a place at {evt.Title} is yours",
                $"A place came free at {evt.Title} and you were first on the waitlist, so you are now going. If you cannot come, say so in Tandem so the next person gets it.",
                EventLinks.Page(evt.ProgramId))).ToList(), ct);
        }
        return await views.RunAsync(actor, eventId, ct);
    }
}

/// <summary>Paths of the event pages, for notifications and channel posts.</summary>
public static class EventLinks
{
    public static string Page(Guid programId) => $"/programs/{programId}/events";

    public static string Attendance(Guid programId, Guid eventId) => $"/programs/{programId}/events/{eventId}/attendance";
}
