using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Notifications;

/// <summary>One notification to send: who, what, and an optional path inside Tandem.</summary>
public sealed record NotificationMessage(Guid UserId, string Title, string Body, string? Link = null);

/// <summary>Someone who wants e-mail and can get it (an address, an account that is not disabled).</summary>
public sealed record EmailRecipient(Guid UserId, string DisplayName, string Email);

/// <summary>
/// Tells people something: stores the in-app notification (always) and e-mails a copy to those whose
/// preference allows it, through the <see cref="MailOutbox"/>. The notifications are committed before any
/// e-mail goes out; an e-mail that fails stays queued and is retried, and <see cref="Notification.EmailedAt"/>
/// is set when it actually went out (at once, or when the outbox worker delivers it).
/// Call it after your own SaveChanges: it saves the same DbContext.
/// </summary>
public sealed class Notify(TandemDb db, MailOutbox outbox, IOptions<EmailOptions> options, TimeProvider clock)
{
    /// <summary>The outbox reference kind of notification e-mails (the reference id is the notification's).</summary>
    public const string MailReference = "notification";

    public Task RunAsync(Guid userId, string title, string body, string? link, CancellationToken ct = default) =>
        RunAsync([new NotificationMessage(userId, title, body, link)], ct);

    /// <summary>Many at once (e.g. publishing a round of matches): one insert batch, one SMTP connection.</summary>
    public async Task<IReadOnlyList<Notification>> RunAsync(IReadOnlyList<NotificationMessage> messages, CancellationToken ct = default)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        var notifications = await StoreAsync(messages, ct);
        await EmailAsync(notifications, ct);
        return notifications;
    }

    /// <summary>Stores in-app notifications only, with no e-mail copy (for senders that e-mail in their own way).</summary>
    public async Task<IReadOnlyList<Notification>> StoreAsync(IReadOnlyList<NotificationMessage> messages, CancellationToken ct = default)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var notifications = messages.Select(m => new Notification(m.UserId, m.Title, m.Body, m.Link, now)).ToList();
        db.Set<Notification>().AddRange(notifications);
        await db.SaveChangesAsync(ct);
        return notifications;
    }

    /// <summary>Of these people, the ones who want notifications by e-mail (their preference, or the default) and can get it.</summary>
    public async Task<IReadOnlyDictionary<Guid, EmailRecipient>> EmailRecipientsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct = default)
    {
        var ids = userIds.Distinct().ToList();
        var rows = await db.Users
            .Where(u => ids.Contains(u.Id) && !u.IsDisabled && u.Email != null)
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Email,
                Wants = db.Set<NotificationPreference>().Where(p => p.UserId == u.Id).Select(p => (bool?)p.Email).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Where(r => r.Wants ?? NotificationPreference.EmailByDefault)
            .ToDictionary(r => r.Id, r => new EmailRecipient(r.Id, r.DisplayName, r.Email!));
    }

    /// <summary>E-mails the copies of already stored notifications to those who want e-mail; returns how many went out.</summary>
    public async Task<int> EmailAsync(IReadOnlyList<Notification> notifications, CancellationToken ct = default)
    {
        var wanting = await EmailRecipientsAsync(notifications.Select(n => n.UserId).ToList(), ct);
        var outgoing = notifications
            .Where(n => wanting.ContainsKey(n.UserId))
            .Select(n => (Notification: n, Message: Compose(n, wanting[n.UserId].DisplayName, wanting[n.UserId].Email!)))
            .ToList();
        if (outgoing.Count == 0)
        {
            return 0;
        }
        var sent = await outbox.SendAsync(outgoing.Select(o => new OutgoingMessage(o.Message, MailReference, o.Notification.Id)).ToList(), ct: ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var count = 0;
        foreach (var (notification, _) in outgoing.Where(o => sent.Contains(o.Message)))
        {
            notification.MarkEmailed(now);
            count++;
        }
        if (count > 0)
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        return count;
    }

    private MimeMessage Compose(Notification notification, string name, string email)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(settings.Sender());
        message.To.Add(new MailboxAddress(name, email));
        message.Subject = notification.Title;
        var link = notification.Link is null ? null : settings.Link(notification.Link);
        var preferences = settings.Link("/notifications");
        var text = $"""
            {notification.Body}
            {(link is null ? "" : $"\n{link}\n")}
            --
            You receive this e-mail because of your notification settings: {preferences}
            """;
        var html = $"""
            <p>{WebUtility.HtmlEncode(notification.Body).Replace("\n", "<br>")}</p>
            {(link is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">Open in Tandem</a></p>")}
            <p style="color:#666">You receive this e-mail because of your <a href="{WebUtility.HtmlEncode(preferences)}">notification settings</a>.</p>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
