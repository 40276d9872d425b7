using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Notifications;

/// <summary>
/// One notification to send: who, what kind (for their choice of how to hear of it), what, an optional path inside Tandem,
/// and the program it speaks for (set by <see cref="Notify.ToProgramAsync"/>, or by a sender that asked the program's
/// consent gate itself): the digest asks that program's gate again, and retention clears the program's notices (ADR 105).
/// </summary>
public sealed record NotificationMessage(Guid UserId, NotificationKind Kind, string Title, string Body, string? Link = null, Guid? ProgramId = null);

/// <summary>Someone who wants e-mail and can get it (an address, an account that is not disabled).</summary>
public sealed record EmailRecipient(Guid UserId, string DisplayName, string Email);

/// <summary>
/// Tells people something: stores the in-app notification (always) and e-mails a copy at once to those who chose
/// e-mail for its kind, through the <see cref="MailOutbox"/>; those who chose the daily digest get it listed in
/// their next digest (<see cref="SendDailyDigests"/>), those who chose the app only get no e-mail. The notifications and
/// their queued e-mails are committed together before any e-mail goes out; an e-mail that fails stays queued and is
/// retried, and <see cref="Notification.EmailedAt"/> is set when it actually went out (at once, or when the outbox
/// worker delivers it). It saves the same DbContext: a change of the caller's still pending is committed with them.
/// </summary>
public sealed class Notify(TandemDb db, MailOutbox outbox, IProgramConsent consent, IOptions<EmailOptions> options, TimeProvider clock, ILogger<Notify> logger)
{
    /// <summary>The outbox reference kind of notification e-mails (the reference id is the notification's).</summary>
    public const string MailReference = "notification";

    public Task RunAsync(Guid userId, NotificationKind kind, string title, string body, string? link, CancellationToken ct = default) =>
        RunAsync([new NotificationMessage(userId, kind, title, body, link)], ct);

    /// <summary>Many at once (e.g. publishing a round of matches): one insert batch, one SMTP connection.</summary>
    public async Task<IReadOnlyList<Notification>> RunAsync(IReadOnlyList<NotificationMessage> messages, CancellationToken ct = default)
    {
        (messages, var choices) = await ReachableChoicesAsync(messages, ct);
        if (messages.Count == 0)
        {
            return [];
        }
        var notifications = Add(messages, m => choices.GetValueOrDefault((m.UserId, m.Kind), NotificationKinds.Default));
        // The notifications and their e-mails' outbox rows in one commit, the outcome of sending in one more.
        var emails = Queue(notifications, await EmailRecipientsAsync(notifications, ct));
        await db.SaveChangesAsync(ct);
        await SendQueuedAsync(emails);
        return notifications;
    }

    /// <summary>
    /// A program's notices, as <see cref="RunAsync(IReadOnlyList{NotificationMessage}, CancellationToken)"/>, but nobody the
    /// program may not contact (ADR 48's consent gate, <see cref="IProgramConsent"/>) is told, in the app or by e-mail.
    /// </summary>
    public async Task<IReadOnlyList<Notification>> ToProgramAsync(Guid programId, IReadOnlyList<NotificationMessage> messages, CancellationToken ct = default) =>
        await RunAsync(await ContactableAsync(programId, messages, ct), ct);

    /// <summary>A program's in-app notices, as <see cref="StoreAsync"/>, but nobody the program may not contact (ADR 48) is told.</summary>
    public async Task<IReadOnlyList<Notification>> StoreToProgramAsync(Guid programId, IReadOnlyList<NotificationMessage> messages, CancellationToken ct = default) =>
        await StoreAsync(await ContactableAsync(programId, messages, ct), ct);

    private async Task<IReadOnlyList<NotificationMessage>> ContactableAsync(Guid programId, IReadOnlyList<NotificationMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return messages;
        }
        var unconsented = await consent.UnconsentedAmongAsync(programId, messages.Select(m => m.UserId).ToList(), ct);
        // Each notice knows its program (ADR 105), whatever its link: the digest gates on it and retention clears by it.
        return messages.Where(m => !unconsented.Contains(m.UserId)).Select(m => m with { ProgramId = programId }).ToList();
    }

    /// <summary>
    /// Stores in-app notifications with each person's choice for the kind, and no e-mail copy now (for senders that
    /// e-mail in their own way, or not at once). Those of a digest kind still go into the person's daily digest.
    /// </summary>
    public async Task<IReadOnlyList<Notification>> StoreAsync(IReadOnlyList<NotificationMessage> messages, CancellationToken ct = default)
    {
        (messages, var choices) = await ReachableChoicesAsync(messages, ct);
        if (messages.Count == 0)
        {
            return [];
        }
        return await SaveAsync(messages, m => choices.GetValueOrDefault((m.UserId, m.Kind), NotificationKinds.Default), ct);
    }

    /// <summary>
    /// Adds in-app notifications to the context, not saved (the caller's SaveChanges commits them with its own change),
    /// for a sender that read each person's stored choice for the messages' kinds in its own query (null: no stored
    /// choice, so <see cref="NotificationKinds.Default"/>) and e-mails in its own way (the meeting e-mails, issue 17).
    /// </summary>
    public IReadOnlyList<Notification> Add(IReadOnlyList<NotificationMessage> messages, IReadOnlyDictionary<Guid, NotificationChoice?> storedChoices) =>
        Add(messages, m => storedChoices.GetValueOrDefault(m.UserId) ?? NotificationKinds.Default);

    private async Task<IReadOnlyList<Notification>> SaveAsync(IReadOnlyList<NotificationMessage> messages,
        Func<NotificationMessage, NotificationChoice> choiceOf, CancellationToken ct)
    {
        var notifications = Add(messages, choiceOf);
        await db.SaveChangesAsync(ct);
        return notifications;
    }

    private List<Notification> Add(IReadOnlyList<NotificationMessage> messages, Func<NotificationMessage, NotificationChoice> choiceOf)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var notifications = messages.Select(m =>
        {
            var notification = new Notification(m.UserId, m.Kind, choiceOf(m), m.Title, m.Body, m.Link, now);
            return m.ProgramId is { } programId ? notification.For(programId) : notification;
        }).ToList();
        db.Set<Notification>().AddRange(notifications);
        return notifications;
    }

    /// <summary>The stored choices of these people, per kind (a kind without a row is <see cref="NotificationKinds.Default"/>).</summary>
    /// <summary>
    /// The messages for accounts that are not disabled (ADR 120), with those people's stored choices per kind, in one query:
    /// a disabled account cannot sign in to read a notice, and an erased one is disabled too, so an announcement or a
    /// program's notice never reaches it and reports of who was told do not count it. Every way in but
    /// <see cref="Add(IReadOnlyList{NotificationMessage}, IReadOnlyDictionary{Guid, NotificationChoice?})"/> (whose sender
    /// reads the accounts in its own query) passes here, after the program's consent gate.
    /// </summary>
    private async Task<(IReadOnlyList<NotificationMessage> Messages, Dictionary<(Guid, NotificationKind), NotificationChoice> Choices)> ReachableChoicesAsync(
        IReadOnlyList<NotificationMessage> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
        {
            return (messages, []);
        }
        var ids = messages.Select(m => m.UserId).Distinct().ToList();
        var rows = await (
            from u in db.Users
            where ids.Contains(u.Id) && !u.IsDisabled
            from p in db.Set<NotificationPreference>().Where(p => p.UserId == u.Id).DefaultIfEmpty()
            select new { u.Id, Kind = (NotificationKind?)p!.Kind, Choice = (NotificationChoice?)p!.Choice }).ToListAsync(ct);
        var reachable = rows.Select(r => r.Id).ToHashSet();
        var choices = rows.Where(r => r.Kind is not null && r.Choice is not null).ToDictionary(r => (r.Id, r.Kind!.Value), r => r.Choice!.Value);
        return (reachable.Count == ids.Count ? messages : messages.Where(m => reachable.Contains(m.UserId)).ToList(), choices);
    }

    /// <summary>
    /// Of the people these notifications are for, the ones to e-mail at once: they chose e-mail for the notification's
    /// kind (it was stored with that choice) and can get e-mail (an address, an account that is not disabled).
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, EmailRecipient>> EmailRecipientsAsync(IReadOnlyCollection<Notification> notifications, CancellationToken ct = default)
    {
        var ids = notifications.Where(n => n.Choice == NotificationChoice.Email).Select(n => n.UserId).Distinct().ToList();
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, EmailRecipient>();
        }
        var accounts = await db.Users.Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.Email, u.IsDisabled })
            .ToListAsync(ct);
        return EmailRecipients(notifications, accounts.Select(a => (a.Id, a.DisplayName, a.Email, a.IsDisabled)));
    }

    /// <summary>
    /// The same as <see cref="EmailRecipientsAsync"/> for a sender that read the people's accounts already (their name,
    /// address and whether the account is disabled): no query.
    /// </summary>
    public static IReadOnlyDictionary<Guid, EmailRecipient> EmailRecipients(IReadOnlyCollection<Notification> notifications,
        IEnumerable<(Guid UserId, string DisplayName, string? Email, bool IsDisabled)> accounts)
    {
        var ids = notifications.Where(n => n.Choice == NotificationChoice.Email).Select(n => n.UserId).ToHashSet();
        return accounts.Where(a => ids.Contains(a.UserId) && !a.IsDisabled && a.Email != null).DistinctBy(a => a.UserId)
            .ToDictionary(a => a.UserId, a => new EmailRecipient(a.UserId, a.DisplayName, a.Email!));
    }

    /// <summary>E-mails the copies of already stored notifications whose person chose e-mail at once; returns how many went out.</summary>
    public async Task<int> EmailAsync(IReadOnlyList<Notification> notifications, CancellationToken ct = default)
    {
        var emails = Queue(notifications, await EmailRecipientsAsync(notifications, ct));
        if (emails.Mail.Count == 0)
        {
            return 0;
        }
        await db.SaveChangesAsync(ct);
        return await SendQueuedAsync(emails);
    }

    /// <summary>The e-mail copies of notifications, queued in the outbox (not saved), with the notification each is about.</summary>
    private sealed record QueuedCopies(QueuedMail Mail, IReadOnlyList<(Notification Notification, MimeMessage Message)> Copies);

    private QueuedCopies Queue(IReadOnlyList<Notification> notifications, IReadOnlyDictionary<Guid, EmailRecipient> wanting)
    {
        var copies = new List<(Notification Notification, MimeMessage Message)>();
        foreach (var n in notifications.Where(n => n.Choice == NotificationChoice.Email && wanting.ContainsKey(n.UserId)))
        {
            // An address stored before the check of ADR 120 that MimeKit cannot address: that person keeps the notice in
            // the app; everyone else in the batch is told as usual.
            if (EmailAddresses.Mailbox(wanting[n.UserId].DisplayName, wanting[n.UserId].Email) is not { } to)
            {
                logger.LogWarning("Notification {NotificationId} not e-mailed: the address of account {UserId} cannot be written to", n.Id, n.UserId);
                continue;
            }
            copies.Add((n, Compose(n, to)));
        }
        return new QueuedCopies(outbox.Queue(copies.Select(o => new OutgoingMessage(o.Message, MailReference, o.Notification.Id)).ToList()), copies);
    }

    /// <summary>Sends copies queued and saved; the ones that went out are marked e-mailed in the commit that records the sending.</summary>
    private async Task<int> SendQueuedAsync(QueuedCopies emails)
    {
        var count = 0;
        await outbox.SendQueuedAsync(emails.Mail, sent =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var (notification, _) in emails.Copies.Where(o => sent.Contains(o.Message)))
            {
                notification.MarkEmailed(now);
                count++;
            }
        }, CancellationToken.None);
        return count;
    }

    private MimeMessage Compose(Notification notification, MailboxAddress to)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(settings.Sender());
        message.To.Add(to);
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
