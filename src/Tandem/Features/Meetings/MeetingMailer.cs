using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Email;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Meetings;

/// <summary>
/// Tells the others in the relationship about a meeting change: an in-app notification for everyone except the
/// person who made the change, and for those who chose e-mail at once for meetings exactly one e-mail,
/// with an .ics attachment (METHOD:REQUEST for proposals and acceptances, METHOD:CANCEL for declines and
/// cancellations), through the outbox; the notification is marked e-mailed when it goes out. The caller's change may
/// still be pending in the context (a proposal's meetings): it is committed with the notifications and the queued
/// e-mails, in one transaction, before anything is sent; a mail server that is down never undoes it (the outbox retries).
/// Nobody the program may not contact (ADR 48: consent withdrawn, asked again, waiting for a guardian) is told, in the
/// app or by e-mail: a guardian's withdrawal pauses the pair, and the partner cancelling its meetings must not reach the child.
/// </summary>
public sealed class MeetingMailer(TandemDb db, MailOutbox outbox, Notify notify, IProgramConsent consent, IOptions<EmailOptions> options, TimeProvider clock)
{
    /// <param name="title">The in-app notification's title, worded by the caller ("Meeting moved", "Ann is coming").</param>
    public Task<int> SendAsync(IReadOnlyList<Meeting> meetings, MeetingChange change, Guid actorId, string title, CancellationToken ct = default) =>
        SendAsync(meetings, change, actorId, title, knownGroupAnswers: null, ct);

    /// <param name="knownGroupAnswers">The meetings' group answers when the caller knows them (as <c>GroupAnswers.ForAsync</c>
    /// gives them: a group's meeting with its answers, a pair's meeting absent), e.g. none yet for meetings just proposed.</param>
    public async Task<int> SendAsync(IReadOnlyList<Meeting> meetings, MeetingChange change, Guid actorId, string title,
        Dictionary<Guid, List<MeetingAnswerView>>? knownGroupAnswers, CancellationToken ct)
    {
        if (meetings.Count == 0)
        {
            return 0;
        }
        var relationshipId = meetings[0].RelationshipId;
        // The members with their addresses and zones, their accounts and their choice for meeting notifications: one
        // query where the people, their choices and who can get e-mail took three (issue 17).
        var rows = await Members(db, relationshipId).ToListAsync(ct);
        IReadOnlyList<MeetingPerson> members = rows.OrderBy(r => r.DisplayName)
            .Select(r => new MeetingPerson(r.UserId, r.DisplayName, r.Email ?? "") { TimeZoneId = r.TimeZoneId }).ToList();
        // A disabled account (an erased one is disabled too) cannot sign in to read a notice: none is stored for it (ADR 120, ADR 125).
        var disabled = rows.Where(r => r.IsDisabled).Select(r => r.UserId).ToHashSet();
        var others = members.Where(p => p.UserId != actorId && !disabled.Contains(p.UserId)).ToList();
        var unconsented = await consent.UnconsentedAmongAsync(meetings[0].ProgramId, others.Select(p => p.UserId).ToList(), ct);
        others = others.Where(p => !unconsented.Contains(p.UserId)).ToList();
        var actor = members.FirstOrDefault(p => p.UserId == actorId)?.DisplayName
            ?? await db.Users.Where(u => u.Id == actorId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "Tandem";

        var notifications = notify.Add(others.Select(p => new NotificationMessage(p.UserId, NotificationKind.Meetings,
            title, NoticeBody(actor, meetings[0]), MeetingPath(meetings[0]), meetings[0].ProgramId)).ToList(),
            rows.DistinctBy(r => r.UserId).ToDictionary(r => r.UserId, r => r.MeetingsChoice));

        var wanting = Notify.EmailRecipients(notifications, rows.Select(r => (r.UserId, r.DisplayName, r.Email, r.IsDisabled)));
        var recipients = others.Where(p => wanting.ContainsKey(p.UserId) && EmailAddresses.IsValid(p.Email)).ToList();
        if (recipients.Count == 0)
        {
            await db.SaveChangesAsync(ct);
            return 0;
        }
        var method = change == MeetingChange.Cancelled ? "CANCEL" : "REQUEST";
        var now = clock.GetUtcNow().UtcDateTime;
        var email = options.Value;
        var answers = knownGroupAnswers ?? await GroupAnswers.ForAsync(db, meetings.ToList(), ct);
        var organiserAddress = email.Sender().Address;
        var first = meetings.OrderBy(m => m.StartsAt).First();
        var byUser = notifications.ToDictionary(n => n.UserId);
        var outgoing = new List<(Notification Notification, OutgoingMessage Message)>();
        foreach (var person in recipients)
        {
            // Each recipient's own invitation: they are its only attendee with an address (ADR 95).
            var ics = MeetingCalendar.Write(meetings.Select(m => (m, members)), method, now, m => email.Link(MeetingPath(m)), person.UserId, organiserAddress,
                groupAnswers: answers);
            var message = Compose(person, actor, change, meetings.Count, first, person.TimeZoneId, ics, method, email.Link(MeetingPath(first)));
            message.From.Add(email.Sender());
            var notification = byUser[person.UserId];
            outgoing.Add((notification, new OutgoingMessage(message, Notify.MailReference, notification.Id)));
        }
        // The change (when still pending), the notifications and the queued e-mails: one commit (issue 17: a proposal
        // took five, one each and two after sending); the outcome of sending and the notifications marked e-mailed: one more.
        var queued = outbox.Queue(outgoing.Select(o => o.Message).ToList());
        await db.SaveChangesAsync(ct);
        var sent = await outbox.SendQueuedAsync(queued, went =>
        {
            var at = clock.GetUtcNow().UtcDateTime;
            foreach (var (notification, _) in outgoing.Where(o => went.Contains(o.Message.Message)))
            {
                notification.MarkEmailed(at);
            }
        }, CancellationToken.None);
        return sent.Count;
    }

    /// <summary>
    /// The in-app notification's text: who, when, and the meeting's status now. Never its title (ADR 125): erasure clears
    /// the proposer's title on the meeting, and a notice stored with others would keep it; the meetings page, access-checked,
    /// shows it.
    /// </summary>
    internal static string NoticeBody(string actorName, Meeting meeting) =>
        $"{actorName}: meeting on {meeting.StartsAt:ddd d MMM yyyy HH:mm} UTC ({meeting.Status.ToString().ToLowerInvariant()}).";

    public static string MeetingPath(Meeting meeting) => $"/relationships/{meeting.RelationshipId}/meetings";

    private static MimeMessage Compose(MeetingPerson to, string actor, MeetingChange change, int count, Meeting first, string zone, string ics, string method, string link)
    {
        var email = new MimeMessage();
        email.To.Add(new MailboxAddress(to.DisplayName, to.Email));
        var local = Zones.ToLocal(first.StartsAt, zone);
        var when = $"{local:dddd d MMMM yyyy, HH:mm} ({zone})" + (count > 1 ? $", the first of {count}" : "");
        var verb = change switch
        {
            MeetingChange.Proposed => first.Sequence == 0 ? "proposed a meeting" : "proposed a new time",
            MeetingChange.Accepted => "accepted the meeting",
            _ => first.Status == MeetingStatus.Declined ? "declined the meeting" : "cancelled the meeting",
        };
        email.Subject = $"{actor} {verb}: {when}";
        var where = first.Mode == MeetingMode.Online ? $"Online: {first.VideoLink}" : $"Where: {first.Place}";
        var text = $"""
            Hello {to.DisplayName},

            {actor} {verb}.
            When: {when}, {first.DurationMinutes} minutes
            {where}

            Answer or see all meetings in Tandem: {link}
            The attached invitation (invite.ics) adds it to your calendar.
            """;
        var body = new BodyBuilder { TextBody = text };
        var attachment = body.Attachments.Add("invite.ics", Encoding.UTF8.GetBytes(ics), ContentType.Parse($"text/calendar; method={method}; charset=utf-8"));
        attachment.ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = "invite.ics" };
        email.Body = body.ToMessageBody();
        return email;
    }

    private sealed record MemberRow(Guid UserId, string DisplayName, string? Email, string TimeZoneId, bool IsDisabled, NotificationChoice? MeetingsChoice);

    private static readonly Func<TandemDb, Guid, IAsyncEnumerable<MemberRow>> Members =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId) => db.Set<RelationshipMember>()
            .Where(m => m.RelationshipId == relationshipId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MemberRow(u.Id, u.DisplayName, u.Email, u.TimeZoneId, u.IsDisabled,
                db.Set<NotificationPreference>().Where(p => p.UserId == u.Id && p.Kind == NotificationKind.Meetings)
                    .Select(p => (NotificationChoice?)p.Choice).FirstOrDefault())));

    /// <summary>The members of each relationship with their e-mail addresses: one query for any number.</summary>
    internal static async Task<Dictionary<Guid, IReadOnlyList<MeetingPerson>>> PeopleAsync(TandemDb db, IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct)
    {
        var rows = await db.Set<RelationshipMember>().Where(m => relationshipIds.Contains(m.RelationshipId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, u.Id, u.DisplayName, u.Email, u.TimeZoneId })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.RelationshipId).ToDictionary(g => g.Key,
            g => (IReadOnlyList<MeetingPerson>)g.OrderBy(r => r.DisplayName)
                .Select(r => new MeetingPerson(r.Id, r.DisplayName, r.Email ?? "") { TimeZoneId = r.TimeZoneId }).ToList());
    }
}
