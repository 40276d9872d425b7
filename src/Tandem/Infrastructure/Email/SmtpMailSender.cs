using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tandem.Infrastructure.Email;

/// <summary>One SMTP connection per batch (MailKit), so a roster of 500 invitations is not 500 handshakes.</summary>
public sealed class SmtpMailSender(IOptions<EmailOptions> options, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task<MailDelivery> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct = default)
    {
        var sent = new HashSet<MimeMessage>();
        var errors = new Dictionary<MimeMessage, string>();
        if (messages.Count == 0)
        {
            return new MailDelivery(sent, errors);
        }
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, Security(smtp.Security), ct);
            if (!string.IsNullOrEmpty(smtp.User))
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not connect to the SMTP server {Host}:{Port}; {Count} messages not sent", smtp.Host, smtp.Port, messages.Count);
            var error = $"Could not connect to {smtp.Host}:{smtp.Port}: {e.Message}";
            foreach (var message in messages)
            {
                errors[message] = error;
            }
            return new MailDelivery(sent, errors);
        }
        foreach (var message in messages)
        {
            try
            {
                await client.SendAsync(message, ct);
                sent.Add(message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "SMTP refused the message {Subject} to {To}", message.Subject, message.To);
                errors[message] = "The SMTP server refused it: " + e.Message;
                if (!client.IsConnected)
                {
                    break;
                }
            }
        }
        foreach (var message in messages.Where(m => !sent.Contains(m) && !errors.ContainsKey(m)))
        {
            errors[message] = "The SMTP connection was lost before this message.";
        }
        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync(quit: true, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The messages were handed over; a failed QUIT changes nothing.
                logger.LogDebug(e, "SMTP QUIT failed");
            }
        }
        return new MailDelivery(sent, errors);
    }

    private static SecureSocketOptions Security(string value) => value.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "sslonconnect" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
