using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Events;

/// <summary>One answer taken under the event's lock: the person's row, what it was and is, and who got a place from the waitlist.</summary>
internal sealed record TakenAnswer(EventRsvp Mine, RsvpState? Previous, RsvpState Next, IReadOnlyList<EventRsvp> Promoted, int GoingNow);

/// <summary>A place given from the waitlist, to tell its person once the change is committed.</summary>
public sealed record EventPromotion(Guid ProgramId, string ProgramName, string Title, Guid UserId);

/// <summary>
/// The one step that changes answers to an event (ADR 62, 97): lock the event's row while it is still open, change one
/// person's answer, give freed places to the waitlist in order (never to a disabled account, nor to someone who can no longer see the event), and write the count of
/// those going, all in the caller's transaction. <see cref="RespondToEvent"/> takes a participant's answer through it;
/// <see cref="ReleaseAsync"/> gives up the places of people who can no longer come (removed from the program, disabled,
/// erased) through the same "not going".
/// </summary>
public sealed class EventPlaces(TandemDb db, IWebhookEvents webhooks, Notify notify)
{
    /// <summary>
    /// Locks the event's row when it is neither cancelled nor started (an UPDATE of it: PostgreSQL holds the row lock to
    /// the commit, SQLite's write lock is the database's), so answers to it are taken one at a time and a cancellation
    /// waits for the answer in progress. False when it is cancelled, started or gone: nothing may change then.
    /// </summary>
    public async Task<bool> LockOpenAsync(Guid eventId, DateTime now, CancellationToken ct) =>
        await db.Set<ProgramEvent>().Where(e => e.Id == eventId && e.CancelledAt == null && e.StartsAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.GoingCount, e => e.GoingCount), ct) == 1;

    /// <summary>
    /// After <see cref="LockOpenAsync"/>, in the same transaction: the person's answer, the waitlist moved up, the count of
    /// those going written by the database (not through a tracked event, which EF would leave alone when the count it read
    /// before the lock happens to equal the new one), and the webhook events; saved, not committed. Null when the answer
    /// does not change.
    /// </summary>
    internal async Task<TakenAnswer?> AnswerAsync(Guid eventId, Guid programId, int? capacity, Guid userId, bool going, DateTime now, CancellationToken ct)
    {
        var rsvps = db.Set<EventRsvp>();
        var mine = await rsvps.SingleOrDefaultAsync(r => r.EventId == eventId && r.UserId == userId, ct);
        var previous = mine?.State;
        var goingNow = await rsvps.CountAsync(r => r.EventId == eventId && r.State == RsvpState.Going, ct);
        RsvpState next;
        if (going)
        {
            next = previous is RsvpState.Going or RsvpState.Waitlisted ? previous.Value
                : capacity is not { } places || goingNow < places ? RsvpState.Going : RsvpState.Waitlisted;
        }
        else
        {
            next = RsvpState.NotGoing;
        }
        if (next == previous)
        {
            return null;
        }
        var queueNumber = (await rsvps.Where(r => r.EventId == eventId).MaxAsync(r => (int?)r.QueueNumber, ct) ?? 0) + 1;
        if (mine is null)
        {
            mine = new EventRsvp(eventId, userId, next, queueNumber, now);
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
        // A freed place goes to the waitlist, first come first served; a disabled account, or someone who can no longer see
        // the event (an applicant once the program stopped recruiting, ADR 114), waits on and is passed over.
        List<EventRsvp> promoted = [];
        if (capacity is { } limit && goingNow < limit)
        {
            var mineId = mine.Id;
            promoted = await rsvps.Where(r => r.EventId == eventId && r.State == RsvpState.Waitlisted && r.Id != mineId
                    && db.Users.Any(u => u.Id == r.UserId && !u.IsDisabled))
                .Where(EventSeers.Seen(db))
                .OrderBy(r => r.QueueNumber).Take(limit - goingNow).ToListAsync(ct);
            foreach (var lucky in promoted)
            {
                lucky.Promote(now);
            }
            goingNow += promoted.Count;
        }
        await db.Set<ProgramEvent>().Where(e => e.Id == eventId).ExecuteUpdateAsync(s => s.SetProperty(e => e.GoingCount, goingNow), ct);
        await webhooks.AddAsync(WebhookEvent.ForEventRsvp(eventId, programId, mine.Id, userId, next.ToString(), false, goingNow, capacity, now), ct);
        foreach (var lucky in promoted)
        {
            await webhooks.AddAsync(WebhookEvent.ForEventRsvp(eventId, programId, lucky.Id, lucky.UserId, nameof(RsvpState.Going), true, goingNow, capacity, now), ct);
        }
        await db.SaveChangesAsync(ct);
        return new TakenAnswer(mine, previous, next, promoted, goingNow);
    }

    /// <summary>
    /// Gives up a person's places (going or waitlisted) at events that are neither cancelled nor started, each under its
    /// event's lock as a "not going" of theirs, in the caller's transaction (or one of its own, committed here, when none is
    /// open): in one program, those of its events the person can no longer see (<paramref name="programId"/>: an enrolment
    /// removed); everywhere, all of them (null: an account disabled or erased). Returns the places given from the
    /// waitlists, to tell (<see cref="TellPromotedAsync"/>) once committed.
    /// </summary>
    public async Task<IReadOnlyList<EventPromotion>> ReleaseAsync(Guid userId, Guid? programId, DateTime now, CancellationToken ct)
    {
        var answers = db.Set<EventRsvp>().Where(r => r.UserId == userId && (r.State == RsvpState.Going || r.State == RsvpState.Waitlisted));
        if (programId is not null)
        {
            answers = answers.Where(EventSeers.NotSeen(db));
        }
        var events = await answers
            .Join(db.Set<ProgramEvent>().Where(e => e.CancelledAt == null && e.StartsAt > now && (programId == null || e.ProgramId == programId)),
                r => r.EventId, e => e.Id, (r, e) => e)
            .Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { e.Id, e.ProgramId, e.Capacity, e.Title, ProgramName = p.Name })
            .AsNoTracking().ToListAsync(ct);
        if (events.Count == 0)
        {
            return [];
        }
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            var promotions = new List<EventPromotion>();
            // Always in the same order, so two releases at once (two accounts disabled) never wait for each other in a circle.
            foreach (var evt in events.OrderBy(e => e.Id))
            {
                if (!await LockOpenAsync(evt.Id, now, ct) || await AnswerAsync(evt.Id, evt.ProgramId, evt.Capacity, userId, going: false, now, ct) is not { } taken)
                {
                    continue;
                }
                promotions.AddRange(taken.Promoted.Select(p => new EventPromotion(evt.ProgramId, evt.ProgramName, evt.Title, p.UserId)));
            }
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
            return promotions;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>Tells the people given a place from a waitlist, after the commit (but nobody the program may not contact, ADR 48).</summary>
    public async Task TellPromotedAsync(IReadOnlyList<EventPromotion> promoted, CancellationToken ct)
    {
        foreach (var program in promoted.GroupBy(p => p.ProgramId))
        {
            await notify.ToProgramAsync(program.Key, program.Select(p => new NotificationMessage(p.UserId, NotificationKind.Events,
                $"{p.ProgramName}: a place at {p.Title} is yours",
                $"A place came free at {p.Title} and you were first on the waitlist, so you are now going. If you cannot come, say so in Tandem so the next person gets it.",
                EventLinks.Page(p.ProgramId))).ToList(), ct);
        }
    }
}

/// <summary>
/// Who can still see an event, as a query filter on its answers (ADR 97): an enrolment in the program in the event's
/// audience (staff and coordinators in every audience), anyone while it is an information session of a recruiting program
/// (ADR 70), or its named host while enrolled in the program. The same people <see cref="EventAccess.FindAsync"/> lets in
/// (less the organisation's coordinators, who manage but never answer): reminders and cancellation notices go to them only,
/// and a removed enrolment gives up the places of the events it no longer sees.
/// </summary>
public static class EventSeers
{
    public static Expression<Func<EventRsvp, bool>> Seen(TandemDb db) =>
        r => db.Set<ProgramEvent>().Any(e => e.Id == r.EventId && (
            db.Enrolments.Any(en => en.ProgramId == e.ProgramId && en.UserId == r.UserId && (
                en.Role == ProgramRole.Coordinator || en.Role == ProgramRole.Staff || en.Role == ProgramRole.Peer || e.Audience == EventAudience.Everyone
                || (e.Audience == EventAudience.Mentors && en.Role == ProgramRole.Mentor)
                || (e.Audience == EventAudience.Mentees && en.Role == ProgramRole.Mentee)))
            || (e.Kind == EventKind.InformationSession && db.Programs.Any(p => p.Id == e.ProgramId && p.Status == ProgramStatus.Recruiting))
            || (e.HostUserId == r.UserId && db.Enrolments.Any(en => en.ProgramId == e.ProgramId && en.UserId == r.UserId))));

    public static Expression<Func<EventRsvp, bool>> NotSeen(TandemDb db)
    {
        var seen = Seen(db);
        return Expression.Lambda<Func<EventRsvp, bool>>(Expression.Not(seen.Body), seen.Parameters);
    }
}
