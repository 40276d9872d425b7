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
public sealed class InvitationMailer(TandemDb db, MailOutbox outbox, IOptions<EmailOptions> options, TimeProvider clock, ILogger<InvitationMailer> logger)
{
    /// <summary>The outbox reference kind of invitation e-mails (the reference id is the invitation's).</summary>
    public const string MailReference = "invitation";

    public async Task<int> SendAsync(IReadOnlyList<(Invitation Invitation, string Token)> batch, CancellationToken ct = default)
    {
        if (batch.Count == 0)
        {
            return 0;
        }
        var organisationIds = batch.Select(b => b.Invitation.OrganisationId).Distinct().ToList();
        var programIds = batch.Where(b => b.Invitation.ProgramId is not null).Select(b => b.Invitation.ProgramId!.Value).Distinct().ToList();
        var organisations = await db.Organisations.Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var programs = await db.Programs.Where(p => programIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        // An address the e-mails cannot write to (stored before ADR 120's check) leaves that invitation unsent ("NotSent",
        // logged) instead of failing the whole batch.
        var messages = batch
            .Where(b => Addressable(b.Invitation))
            .Select(b => (b.Invitation, Message: Compose(
                b.Invitation, b.Token, organisations[b.Invitation.OrganisationId],
                b.Invitation.ProgramId is { } programId ? programs[programId] : null))).ToList();
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

    /// <summary>The page where an invitation to be enrolled or to join an organisation is accepted (or an account made for it).</summary>
    public static string AcceptPath(string token) => $"/invitations/accept?token={Uri.EscapeDataString(token)}";

    private bool Addressable(Invitation invitation)
    {
        if (EmailAddresses.IsValid(invitation.Email))
        {
            return true;
        }
        logger.LogWarning("Invitation {InvitationId} was not e-mailed: its address cannot be written to", invitation.Id);
        return false;
    }

    public MimeMessage Compose(Invitation invitation, string token, string organisationName, string? programName)
    {
        var email = options.Value;
        var greeting = string.IsNullOrWhiteSpace(invitation.FirstName) ? "Hello" : $"Hello {invitation.FirstName}";
        var expires = invitation.ExpiresAt.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var message = new MimeMessage();
        message.From.Add(email.Sender());
        message.To.Add(EmailAddresses.Mailbox($"{invitation.FirstName} {invitation.LastName}".Trim(), invitation.Email)
            ?? throw new InvalidOperationException("An invitation's address is checked before it is composed."));

        string text, html;
        if (invitation.Purpose == InvitationPurpose.Apply)
        {
            var programId = invitation.ProgramId!.Value;
            var apply = email.Link(ApplyPath(programId, invitation.Role!.Value, token));
            var about = email.Link($"/join/{programId}");
            var role = invitation.Role!.Value.ToString().ToLowerInvariant();
            message.Subject = $"You are invited to join {programName} as a {role}";
            text = $"""
                {greeting},

                You are invited to take part in {programName} as a {role}.

                Apply here (this link is personal, works once and expires on {expires} UTC):
                {apply}

                Read about the program first:
                {about}

                If you were not expecting this, you can ignore this message.
                """;
            html = $"""
                <p>{WebUtility.HtmlEncode(greeting)},</p>
                <p>You are invited to take part in <strong>{WebUtility.HtmlEncode(programName)}</strong> as a {role}.</p>
                <p><a href="{WebUtility.HtmlEncode(apply)}">Apply now</a> (this link is personal, works once and expires on {expires} UTC).</p>
                <p><a href="{WebUtility.HtmlEncode(about)}">Read about the program</a> first.</p>
                <p>If you were not expecting this, you can ignore this message.</p>
                """;
        }
        else
        {
            // The same message whether or not the address has an account: the page behind the link offers both.
            var accept = email.Link(AcceptPath(token));
            var what = invitation.Purpose == InvitationPurpose.Enrol
                ? $"{programName} ({organisationName}) as {Article(invitation.Role!.Value.ToString().ToLowerInvariant())}"
                : $"{organisationName} on Tandem as {Article(invitation.OrganisationRole!.Value.ToString().ToLowerInvariant())}";
            message.Subject = $"You are invited to join {what}";
            text = $"""
                {greeting},

                You are invited to join {what}.

                Accept here (this link is personal, works once and expires on {expires} UTC). If you
                already have a Tandem account with this address, sign in with it; otherwise create one:
                {accept}

                Nothing changes until you accept. If you were not expecting this, you can ignore this message.
                """;
            html = $"""
                <p>{WebUtility.HtmlEncode(greeting)},</p>
                <p>You are invited to join <strong>{WebUtility.HtmlEncode(what)}</strong>.</p>
                <p><a href="{WebUtility.HtmlEncode(accept)}">Accept the invitation</a> (this link is personal, works once and expires on {expires} UTC).
                If you already have a Tandem account with this address, sign in with it; otherwise create one.</p>
                <p>Nothing changes until you accept. If you were not expecting this, you can ignore this message.</p>
                """;
        }
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    private static string Article(string noun) => noun == "staff" ? "a member of staff" : ("aeiou".Contains(noun[0]) ? "an " : "a ") + noun;
}
