using System.Net;
using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Accounts;

/// <summary>The e-mails about an account itself (a password-reset link, an address-verification link), sent through the outbox.</summary>
public sealed class AccountMail(MailOutbox outbox, IOptions<EmailOptions> options, ILogger<AccountMail> logger)
{
    public const string ResetReference = "password-reset";
    public const string VerificationReference = "email-verification";

    public static string ResetPath(string token) => $"/account/reset-password?token={Uri.EscapeDataString(token)}";

    public static string VerifyPath(string token) => $"/account/verify-email?token={Uri.EscapeDataString(token)}";

    public Task SendResetAsync(TandemUser user, string token, AccountToken row, CancellationToken ct)
    {
        var link = options.Value.Link(ResetPath(token));
        var until = row.ExpiresAt.ToString("d MMMM yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return SendAsync(user, "Reset your Tandem password", ResetReference, row.Id, $"""
            Hello {user.DisplayName},

            Someone asked to reset the password of your Tandem account. If it was you, choose a new
            password here (the link works once and until {until} UTC):
            {link}

            If it was not you, ignore this message: your password stays as it is.
            """, $"""
            <p>Hello {WebUtility.HtmlEncode(user.DisplayName)},</p>
            <p>Someone asked to reset the password of your Tandem account. If it was you,
            <a href="{WebUtility.HtmlEncode(link)}">choose a new password</a> (the link works once and until {until} UTC).</p>
            <p>If it was not you, ignore this message: your password stays as it is.</p>
            """, ct);
    }

    public Task SendVerificationAsync(TandemUser user, string token, AccountToken row, CancellationToken ct)
    {
        var link = options.Value.Link(VerifyPath(token));
        var until = row.ExpiresAt.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        return SendAsync(user, "Confirm your e-mail address for Tandem", VerificationReference, row.Id, $"""
            Hello {user.DisplayName},

            Confirm that this is your e-mail address, so that you can send applications on Tandem
            (the link works once and until {until}):
            {link}

            If you did not create a Tandem account, ignore this message.
            """, $"""
            <p>Hello {WebUtility.HtmlEncode(user.DisplayName)},</p>
            <p><a href="{WebUtility.HtmlEncode(link)}">Confirm that this is your e-mail address</a>, so that you can send
            applications on Tandem (the link works once and until {until}).</p>
            <p>If you did not create a Tandem account, ignore this message.</p>
            """, ct);
    }

    private async Task SendAsync(TandemUser user, string subject, string reference, Guid referenceId, string text, string html, CancellationToken ct)
    {
        // An address stored before the check of ADR 120 that MimeKit cannot address: no e-mail, and no error for the request.
        if (EmailAddresses.Mailbox(user.DisplayName, user.Email) is not { } to)
        {
            logger.LogWarning("No {Reference} e-mail for account {UserId}: its address cannot be written to", reference, user.Id);
            return;
        }
        var message = new MimeMessage();
        message.From.Add(options.Value.Sender());
        message.To.Add(to);
        message.Subject = subject;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        await outbox.SendAsync([new OutgoingMessage(message, reference, referenceId)], ct: ct);
    }
}
