using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Notifications;

/// <summary>What one digest pass did: digests e-mailed (queued in the outbox), and the notifications they listed.</summary>
public sealed record DigestRun(int Digests, int Notifications);

/// <summary>
/// The daily digest (ADR 57): for each person whose digest hour (on their own clock) has passed and who has notifications
/// of digest kinds waiting, one e-mail through the <see cref="MailOutbox"/> listing those created before that hour.
/// The claim is a <see cref="NotificationDigest"/> row, unique per person and digest time, inserted in the same commit
/// as the outbox row and the notifications' mark: of two nodes (or two passes) only one commits it, the other gets a
/// unique violation and sends nothing. The e-mail carries only what the notifications themselves say (titles, their
/// text clipped, links), nothing read from elsewhere. A notification from a program (its ProgramId, or for older rows its link) that may
/// not contact the person (ADR 48's consent gate: consent withdrawn since it was written, say) is left out and kept in the
/// app only, so it is never e-mailed and no later pass picks it up again.
/// </summary>
public sealed class SendDailyDigests(TandemDb db, MailOutbox outbox, IProgramConsent consent, IRelationshipPrograms relationshipPrograms, IOptions<DigestOptions> options, IOptions<EmailOptions> email,
    TimeProvider clock, ILogger<SendDailyDigests> logger)
{
    /// <summary>The outbox reference kind of digest e-mails (the reference id is the digest's).</summary>
    public const string MailReference = "notification-digest";

    /// <summary>At most this many notifications are written out in one digest; the rest are counted ("and 12 more").</summary>
    public const int ListedMax = 50;

    /// <summary>The body of each notification is clipped to this many characters in the digest.</summary>
    public const int BodyMax = 280;

    public Task<DigestRun> RunAsync(CancellationToken ct = default) => RunAsync(clock.GetUtcNow().UtcDateTime, ct);

    /// <summary>One pass as if it were <paramref name="now"/> (UTC): the worker passes the clock's time, `tandem notifications digest --at` any time.</summary>
    public async Task<DigestRun> RunAsync(DateTime now, CancellationToken ct = default)
    {
        now = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        var settings = options.Value;
        var waiting = db.Set<Notification>().Where(n => n.Choice == NotificationChoice.DailyDigest && n.DigestId == null);
        // The zones of the people waiting are few; each has one digest time, so who is due is one query per zone.
        var zones = await db.Users.Where(u => !u.IsDisabled && u.Email != null && waiting.Any(n => n.UserId == u.Id))
            .Select(u => u.TimeZoneId).Distinct().ToListAsync(ct);
        int digests = 0, listed = 0;
        var left = settings.BatchSize;
        foreach (var zone in zones.Order(StringComparer.Ordinal))
        {
            if (left <= 0)
            {
                break;
            }
            var due = DueAt(now, zone, settings.Hour);
            var people = await db.Users
                .Where(u => u.TimeZoneId == zone && !u.IsDisabled && u.Email != null && waiting.Any(n => n.UserId == u.Id && n.CreatedAt < due))
                .OrderBy(u => u.Id).Select(u => new EmailRecipient(u.Id, u.DisplayName, u.Email!)).Take(left).ToListAsync(ct);
            left -= people.Count;
            foreach (var person in people)
            {
                var count = await SendOneAsync(person, zone, due, now, ct);
                if (count > 0)
                {
                    digests++;
                    listed += count;
                }
            }
        }
        return new DigestRun(digests, listed);
    }

    /// <summary>The latest digest time at or before <paramref name="now"/>: today's digest hour on the zone's clock, or yesterday's.</summary>
    public static DateTime DueAt(DateTime now, string? zone, int hour)
    {
        var local = Zones.ToLocal(now, zone);
        var due = Zones.ToUtc(local.Date.AddHours(hour), zone);
        return due <= now ? due : Zones.ToUtc(local.Date.AddDays(-1).AddHours(hour), zone);
    }

    private async Task<int> SendOneAsync(EmailRecipient person, string zone, DateTime due, DateTime now, CancellationToken ct)
    {
        var items = await db.Set<Notification>()
            .Where(n => n.UserId == person.UserId && n.Choice == NotificationChoice.DailyDigest && n.DigestId == null && n.CreatedAt < due)
            .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(ct);
        if (items.Count == 0)
        {
            return 0;
        }
        if (EmailAddresses.Mailbox(person.DisplayName, person.Email) is not { } to)
        {
            // An address stored before the check of ADR 120 that MimeKit cannot address: the notices stay in the app only,
            // so no later pass tries (and logs) again, and the people after this one get their digests.
            foreach (var item in items)
            {
                item.KeepInApp();
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            logger.LogWarning("No digest for account {UserId}: its address cannot be written to; {Count} notices kept in the app", person.UserId, items.Count);
            return 0;
        }
        var withheld = await WithheldAsync(person.UserId, items, ct);
        if (withheld.Count > 0)
        {
            foreach (var item in withheld)
            {
                item.KeepInApp();
            }
            items = items.Except(withheld).ToList();
            if (items.Count == 0)
            {
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
                return 0;
            }
        }
        var digest = new NotificationDigest(person.UserId, due, items.Count, now);
        db.Set<NotificationDigest>().Add(digest);
        foreach (var item in items)
        {
            item.MarkDigested(digest.Id);
        }
        try
        {
            // The outbox saves this context: the claim, the marks and the queued e-mail commit together, then it is sent.
            await outbox.SendAsync([new OutgoingMessage(Compose(person, to, zone, items), MailReference, digest.Id)], ct: ct);
            return items.Count;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            logger.LogDebug("The digest of {UserId} for {DueAt:o} was sent by another pass", person.UserId, due);
            return 0;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The items from programs that may not contact the person (ADR 48): one question per program among the items. A notice
    /// knows its program (<see cref="Notification.ProgramId"/>, ADR 105), whatever its link (/my/relationships, /my/surveys,
    /// /concerns). Older rows without it fall back to the link: <c>/programs/{id}/…</c>, or a pair's <c>/relationships/{id}/…</c>
    /// whose program is read in one query (ADR 102). So a notice stored before a withdrawal is not e-mailed after it.
    /// </summary>
    private async Task<List<Notification>> WithheldAsync(Guid userId, List<Notification> items, CancellationToken ct)
    {
        var relationshipIds = items.Where(n => n.ProgramId is null).Select(n => RelationshipOf(n.Link)).OfType<Guid>().Distinct().ToList();
        var programOfRelationship = relationshipIds.Count == 0
            ? new Dictionary<Guid, Guid>()
            : await relationshipPrograms.ProgramsOfAsync(relationshipIds, ct);
        Guid? Program(Notification n) => n.ProgramId ?? ProgramOf(n.Link)
            ?? (RelationshipOf(n.Link) is { } relationship && programOfRelationship.TryGetValue(relationship, out var program) ? program : null);
        var withheld = new List<Notification>();
        foreach (var program in items.Select(n => (Notification: n, Program: Program(n))).Where(x => x.Program is not null).GroupBy(x => x.Program!.Value))
        {
            if ((await consent.UnconsentedAmongAsync(program.Key, [userId], ct)).Count > 0)
            {
                withheld.AddRange(program.Select(x => x.Notification));
            }
        }
        return withheld;
    }

    /// <summary>The relationship a notification is about, read from its link (<c>/relationships/{id}/…</c>); null for other links.</summary>
    public static Guid? RelationshipOf(string? link) =>
        link is not null && link.StartsWith("/relationships/", StringComparison.Ordinal) && link.Length >= 51
            && Guid.TryParseExact(link.AsSpan(15, 36), "D", out var id) ? id : null;

    /// <summary>
    /// The program a notification is from, read from its link (<c>/programs/{id}/…</c>, as every program's notices link
    /// to its pages); null for a link elsewhere (a person's own relationships, surveys, recognition).
    /// </summary>
    public static Guid? ProgramOf(string? link) =>
        link is not null && link.StartsWith("/programs/", StringComparison.Ordinal) && link.Length >= 46
            && Guid.TryParseExact(link.AsSpan(10, 36), "D", out var id) ? id : null;

    private MimeMessage Compose(EmailRecipient person, MailboxAddress to, string zone, IReadOnlyList<Notification> items)
    {
        var settings = email.Value;
        var message = new MimeMessage();
        message.From.Add(settings.Sender());
        message.To.Add(to);
        message.Subject = items.Count == 1 ? "Your Tandem digest: 1 notification" : $"Your Tandem digest: {items.Count} notifications";
        var preferences = settings.Link("/notifications");
        var text = new StringBuilder($"Hello {person.DisplayName},\n\nHere is what happened in Tandem since your last digest.\n");
        var html = new StringBuilder($"<p>Hello {WebUtility.HtmlEncode(person.DisplayName)},</p><p>Here is what happened in Tandem since your last digest.</p>");
        var shown = items.Take(ListedMax).ToList();
        foreach (var group in shown.GroupBy(n => n.Kind).OrderBy(g => g.Key))
        {
            var label = NotificationKinds.Label(group.Key);
            text.Append($"\n{label}\n{new string('-', label.Length)}\n");
            html.Append($"<h2 style=\"font-size:1.1em\">{WebUtility.HtmlEncode(label)}</h2><ul>");
            foreach (var n in group)
            {
                var when = Zones.ToLocal(n.CreatedAt, zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
                var body = n.Body.Length <= BodyMax ? n.Body : n.Body[..(BodyMax - 1)] + "…";
                var link = n.Link is null ? null : settings.Link(n.Link);
                text.Append($"- {n.Title} ({when})\n  {body.Replace("\n", "\n  ")}\n");
                if (link is not null)
                {
                    text.Append($"  {link}\n");
                }
                html.Append($"<li><strong>{WebUtility.HtmlEncode(n.Title)}</strong> ({when})<br>{WebUtility.HtmlEncode(body).Replace("\n", "<br>")}");
                if (link is not null)
                {
                    html.Append($"<br><a href=\"{WebUtility.HtmlEncode(link)}\">Open in Tandem</a>");
                }
                html.Append("</li>");
            }
            html.Append("</ul>");
        }
        if (items.Count > shown.Count)
        {
            var more = $"And {items.Count - shown.Count} more: see them all in Tandem, {preferences}";
            text.Append($"\n{more}\n");
            html.Append($"<p>{WebUtility.HtmlEncode(more)}</p>");
        }
        text.Append($"\n--\nYou receive one digest a day because of your notification settings: {preferences}\n");
        html.Append($"<p style=\"color:#666\">You receive one digest a day because of your <a href=\"{WebUtility.HtmlEncode(preferences)}\">notification settings</a>.</p>");
        message.Body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.ToString() }.ToMessageBody();
        return message;
    }
}
