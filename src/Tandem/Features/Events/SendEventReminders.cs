using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Integrations;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Features.Events;

public sealed record EventReminderRun(int Due, int Sent, int ChannelPosts);

/// <summary>
/// One pass of the event reminder job: the events starting within <see cref="EventOptions.ReminderLead"/> (24 hours) that
/// are not cancelled; everyone going who can still see the event and whose account is not disabled (ADR 97), and whom the
/// program may contact (ADR 48's consent gate), is reminded through <see cref="Notify"/> (their choice for the Events kind), and the
/// program's Slack and Teams channels (and those going who opted in to WhatsApp, ADR 69) get the title, time and place through the outbound outbox (nothing private: no
/// names, no video link). Each reminder is claimed by inserting its unique key first, as Engagement's reminders are, so
/// two nodes never send the same one; what is due is worked out afresh each pass, so a restart loses none.
/// </summary>
public sealed class SendEventReminders(TandemDb db, Notify notify, IProgramConsent consent, IProgramRetention retention, HttpOutbox channels,
    SendWhatsAppMessages whatsApp, IOptions<EventOptions> options, IOptions<EmailOptions> email, TimeProvider clock)
{
    public const string ChannelReference = "event-reminder";
    public static readonly string Node = $"{Environment.MachineName}/{Environment.ProcessId}";

    public async Task<EventReminderRun> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + options.Value.ReminderLead;
        var events = await db.Set<ProgramEvent>().Where(e => e.CancelledAt == null && e.StartsAt > now && e.StartsAt <= until)
            .Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { Event = e, ProgramName = p.Name })
            .AsNoTracking().ToListAsync(ct);
        // Retention cancels an anonymised program's events (ADR 128); one anonymised before it did is left out here, so no
        // notice is written that would be kept past retention's one pass.
        if (events.Count > 0)
        {
            var retained = await retention.AnonymisedAmongAsync(events.Select(e => e.Event.ProgramId).Distinct().ToList(), ct);
            events.RemoveAll(e => retained.Contains(e.Event.ProgramId));
        }
        if (events.Count == 0)
        {
            return new EventReminderRun(0, 0, 0);
        }
        var ids = events.Select(e => e.Event.Id).ToList();
        // Those going who can still see the event (not someone since removed from the program, nor an applicant of a program
        // no longer recruiting: the reminder carries the video link) and whose account is not disabled (ADR 97).
        var going = await db.Set<EventRsvp>().Where(r => ids.Contains(r.EventId) && r.State == RsvpState.Going)
            .Where(EventSeers.Seen(db))
            .Join(db.Users.Where(u => !u.IsDisabled), r => r.UserId, u => u.Id, (r, u) => new { r.EventId, r.UserId, u.TimeZoneId })
            .ToListAsync(ct);
        // Nobody without consent to the program is reminded (ADR 48): not in the app, by e-mail or on WhatsApp. Seeing the event is not contacting.
        foreach (var program in events.GroupBy(e => e.Event.ProgramId))
        {
            var eventIds = program.Select(e => e.Event.Id).ToHashSet();
            var unconsented = await consent.UnconsentedAmongAsync(program.Key, going.Where(g => eventIds.Contains(g.EventId)).Select(g => g.UserId).ToList(), ct);
            going.RemoveAll(g => eventIds.Contains(g.EventId) && unconsented.Contains(g.UserId));
        }
        var due = 0;
        var sent = new List<(Guid ClaimId, NotificationMessage Message)>();
        static string PersonKey(ProgramEvent e, Guid userId) => $"event-soon:{e.Id}:{e.StartsAt:yyyyMMddTHHmm}:{userId}";
        static string ChannelKey(ProgramEvent e) => $"event-channel:{e.Id}:{e.StartsAt:yyyyMMddTHHmm}";
        var byId = events.ToDictionary(e => e.Event.Id);
        // The reminders sent already, read in one query: a pass claims only what is left, not one query per person (STYLE 8).
        var keys = going.Select(g => PersonKey(byId[g.EventId].Event, g.UserId)).Concat(events.Select(e => ChannelKey(e.Event))).ToList();
        var done = (await db.Set<EventReminderClaim>().Where(c => keys.Contains(c.Key) && c.SentAt != null).Select(c => c.Key).ToListAsync(ct)).ToHashSet();
        foreach (var row in going)
        {
            var evt = byId[row.EventId];
            due++;
            var key = PersonKey(evt.Event, row.UserId);
            if (!done.Contains(key) && await ClaimAsync(key, row.EventId, ct) is { } claim)
            {
                sent.Add((claim, new NotificationMessage(row.UserId, NotificationKind.Events, $"Tomorrow: {evt.Event.Title}",
                    $"A reminder: {evt.Event.Title} ({evt.ProgramName}) is on {EventTimes.Describe(evt.Event.StartsAt, evt.Event.EndsAt, row.TimeZoneId)}.\n{Where(evt.Event, withLink: true)}\nIf you cannot come, say so in Tandem so someone on the waitlist gets your place.",
                    EventLinks.Page(evt.Event.ProgramId), evt.Event.ProgramId)));
            }
        }
        if (sent.Count > 0)
        {
            await notify.RunAsync(sent.Select(s => s.Message).ToList(), ct);
            await MarkSentAsync(sent.Select(s => s.ClaimId).ToList());
        }

        var posts = 0;
        foreach (var evt in events)
        {
            due++;
            var channelKey = ChannelKey(evt.Event);
            if (done.Contains(channelKey) || await ClaimAsync(channelKey, evt.Event.Id, ct) is not { } claim)
            {
                continue;
            }
            var e = evt.Event;
            var body = $"**When:** {EventTimes.Describe(e.StartsAt, e.EndsAt, e.TimeZoneId)}\n\n**Where:** {Where(e, withLink: false)}";
            var audience = e.Audience == EventAudience.Everyone ? null : $"For {e.Audience.ToString().ToLowerInvariant()}";
            posts += await channels.PostToChannelsAsync(e.ProgramId, ChannelReference, e.Id,
                new ChannelMessage(evt.ProgramName, $"Tomorrow: {e.Title}", body, audience, email.Value.Link(EventLinks.Page(e.ProgramId))), ct);
            // Those going who opted in to WhatsApp get the same title, time and place, queued for the outbox (ADR 69).
            await whatsApp.RunAsync(e.ProgramId, ChannelReference, e.Id, going.Where(g => g.EventId == e.Id).Select(g => g.UserId).ToList(),
                new WhatsAppMessage(WhatsAppMessageKind.EventReminder, [evt.ProgramName, e.Title, EventTimes.Describe(e.StartsAt, e.EndsAt, e.TimeZoneId), Where(e, withLink: false)]), ct);
            await MarkSentAsync([claim]);
        }
        return new EventReminderRun(due, sent.Count, posts);
    }

    /// <summary>The place, and for those going the video link; the channels only hear that it is online.</summary>
    private static string Where(ProgramEvent e, bool withLink) => (e.Place, e.VideoLink) switch
    {
        ({ } place, { } link) => withLink ? $"Where: {place}, or online: {link}" : $"{place}, or online (the link is in Tandem)",
        ({ } place, null) => withLink ? $"Where: {place}" : place,
        (null, { } link) => withLink ? $"Online: {link}" : "Online (the link is in Tandem)",
        _ => "",
    };

    private Task MarkSentAsync(List<Guid> claims)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.Set<EventReminderClaim>().Where(c => claims.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.SentAt, now), CancellationToken.None);
    }

    /// <returns>The claim's id when this call owns the reminder, null when another pass has (or had) it.</returns>
    private async Task<Guid?> ClaimAsync(string key, Guid eventId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = db.Set<EventReminderClaim>();
        var claim = new EventReminderClaim(key, eventId, Node, now);
        claims.Add(claim);
        try
        {
            await db.SaveChangesAsync(ct);
            return claim.Id;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.Entry(claim).State = EntityState.Detached;
        }
        // Someone holds the key: take it over only if it was never sent and its lease ran out.
        var stale = now - options.Value.ClaimLease;
        var existing = await claims.AsNoTracking().Where(c => c.Key == key && c.SentAt == null && c.ClaimedAt < stale)
            .Select(c => new { c.Id, c.ClaimedAt }).SingleOrDefaultAsync(ct);
        if (existing is null)
        {
            return null;
        }
        var taken = await claims.Where(c => c.Id == existing.Id && c.SentAt == null && c.ClaimedAt == existing.ClaimedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClaimedAt, now).SetProperty(c => c.ClaimedBy, Node), ct);
        return taken == 1 ? existing.Id : null;
    }
}

/// <summary>Runs <see cref="SendEventReminders"/> on every node at the configured interval (each tick works out again what is due).</summary>
public sealed class EventReminderWorker(IServiceScopeFactory scopes, IOptions<EventOptions> options, TimeProvider clock, TandemTelemetry telemetry, ILogger<EventReminderWorker> logger)
    : IntervalWorker(scopes, clock, telemetry, logger, "event-reminders", options.Value.RemindersEnabled, options.Value.ReminderInterval)
{
    protected override async Task PassAsync(IServiceProvider services, CancellationToken ct)
    {
        var run = await services.GetRequiredService<SendEventReminders>().RunAsync(ct);
        if (run.Sent + run.ChannelPosts > 0)
        {
            logger.LogInformation("Sent {Sent} event reminders and {Posts} channel posts", run.Sent, run.ChannelPosts);
        }
    }
}
