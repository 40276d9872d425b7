using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Notifications;

/// <summary>One notification to send: who, what, and an optional path inside Tandem.</summary>
public sealed record NotificationMessage(Guid UserId, string Title, string Body, string? Link = null);

/// <summary>
/// Tells people something: stores the in-app notification (always) and e-mails a copy to those whose
/// preference allows it. The notifications are committed before any e-mail goes out, so a mail server
/// that is down never loses one; a failed e-mail leaves <see cref="Notification.EmailedAt"/> empty.
/// Call it after your own SaveChanges: it saves the same DbContext.
/// </summary>
public sealed class Notify(TandemDb db, IMailSender sender, IOptions<EmailOptions> options, TimeProvider clock)
{
    public Task RunAsync(Guid userId, string title, string body, string? link, CancellationToken ct = default) =>
        RunAsync([new NotificationMessage(userId, title, body, link)], ct);

    /// <summary>Many at once (e.g. publishing a round of matches): one insert batch, one SMTP connection.</summary>
    public async Task<IReadOnlyList<Notification>> RunAsync(IReadOnlyList<NotificationMessage> messages, CancellationToken ct = default)
    {
        if (messages.Count == 0)
        {
            return [];
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var notifications = messages.Select(m => new Notification(m.UserId, m.Title, m.Body, m.Link, now)).ToList();
        db.Set<Notification>().AddRange(notifications);
        await db.SaveChangesAsync(ct);
        await EmailAsync(notifications, ct);
        return notifications;
    }

    /// <summary>E-mails the copies of already stored notifications to those who want e-mail; returns how many went out.</summary>
    public async Task<int> EmailAsync(IReadOnlyList<Notification> notifications, CancellationToken ct = default)
    {
        var userIds = notifications.Select(n => n.UserId).Distinct().ToList();
        var recipients = await db.Users
            .Where(u => userIds.Contains(u.Id) && !u.IsDisabled && u.Email != null)
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Email,
                Wants = db.Set<NotificationPreference>().Where(p => p.UserId == u.Id).Select(p => (bool?)p.Email).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var wanting = recipients.Where(r => r.Wants ?? NotificationPreference.EmailByDefault).ToDictionary(r => r.Id);
        var outgoing = notifications
            .Where(n => wanting.ContainsKey(n.UserId))
            .Select(n => (Notification: n, Message: Compose(n, wanting[n.UserId].DisplayName, wanting[n.UserId].Email!)))
            .ToList();
        if (outgoing.Count == 0)
        {
            return 0;
        }
        var sent = await sender.SendAsync(outgoing.Select(o => o.Message).ToList(), ct);
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
