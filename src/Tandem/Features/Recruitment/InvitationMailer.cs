using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Recruitment;

/// <summary>
/// Sends invitation e-mails through the outbox after the invitations are committed, and marks the ones that went
/// out. A failed delivery leaves the invitation "NotSent" while the outbox retries it (marked sent when it goes
/// out); the coordinator may also resend it, which replaces the queued message (its link no longer works).
/// The write is never rolled back because a mail server was down.
/// </summary>
public sealed class InvitationMailer(TandemDb db, MailOutbox outbox, IOptions<EmailOptions> options, TimeProvider clock)
{
    /// <summary>The outbox reference kind of invitation e-mails (the reference id is the invitation's).</summary>
    public const string MailReference = "invitation";

    public async Task<int> SendAsync(MentorshipProgram program, IReadOnlyList<(Invitation Invitation, string Token)> batch, CancellationToken ct = default)
    {
        if (batch.Count == 0)
        {
            return 0;
        }
        var messages = batch.Select(b => (b.Invitation, Message: Compose(program, b.Invitation, b.Token))).ToList();
        var sent = await outbox.SendAsync(messages.Select(m => new OutgoingMessage(m.Message, MailReference, m.Invitation.Id)).ToList(), supersedePending: true, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var count = 0;
        foreach (var (invitation, message) in messages.Where(m => sent.Contains(m.Message)))
        {
            invitation.MarkSent(now);
            count++;
        }
        if (count > 0)
        {
            await db.SaveChangesAsync(ct);
        }
        return count;
    }

    public static string ApplyPath(Guid programId, ProgramRole role, string token) =>
        $"/apply/{programId}/{role.Slug()}?invitation={Uri.EscapeDataString(token)}";

    public MimeMessage Compose(MentorshipProgram program, Invitation invitation, string token)
    {
        var email = options.Value;
        var apply = email.Link(ApplyPath(program.Id, invitation.Role, token));
        var about = email.Link($"/join/{program.Id}");
        var greeting = string.IsNullOrWhiteSpace(invitation.FirstName) ? "Hello" : $"Hello {invitation.FirstName}";
        var role = invitation.Role.ToString().ToLowerInvariant();
        var expires = invitation.ExpiresAt.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

        var message = new MimeMessage();
        message.From.Add(email.Sender());
        message.To.Add(new MailboxAddress($"{invitation.FirstName} {invitation.LastName}".Trim(), invitation.Email));
        message.Subject = $"You are invited to join {program.Name} as a {role}";
        var text = $"""
            {greeting},

            You are invited to take part in {program.Name} as a {role}.

            Apply here (this link is personal, works once and expires on {expires} UTC):
            {apply}

            Read about the program first:
            {about}

            If you were not expecting this, you can ignore this message.
            """;
        var html = $"""
            <p>{WebUtility.HtmlEncode(greeting)},</p>
            <p>You are invited to take part in <strong>{WebUtility.HtmlEncode(program.Name)}</strong> as a {role}.</p>
            <p><a href="{WebUtility.HtmlEncode(apply)}">Apply now</a> (this link is personal, works once and expires on {expires} UTC).</p>
            <p><a href="{WebUtility.HtmlEncode(about)}">Read about the program</a> first.</p>
            <p>If you were not expecting this, you can ignore this message.</p>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}

/// <summary>Records an invitation e-mail that the outbox delivered on a later attempt.</summary>
public sealed class InvitationEmailed(TandemDb db) : IMailDeliveryListener
{
    public string ReferenceKind => InvitationMailer.MailReference;

    public Task DeliveredAsync(IReadOnlyCollection<Guid> referenceIds, DateTime at, CancellationToken ct) =>
        db.Set<Invitation>().Where(i => referenceIds.Contains(i.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.SentAt, at).SetProperty(i => i.SendCount, i => i.SendCount + 1), ct);
}
