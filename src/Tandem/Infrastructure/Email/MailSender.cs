using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tandem.Infrastructure.Email;

/// <summary>Delivers messages: by SMTP in production, to a folder of .eml files in development.</summary>
public interface IMailSender
{
    /// <summary>Sends each message; returns the ones that were handed over successfully. Never throws for a delivery failure.</summary>
    Task<IReadOnlySet<MimeMessage>> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct = default);
}

public static class EmailSetup
{
    public static IServiceCollection AddTandemEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>().BindConfiguration("Email");
        services.AddSingleton<IMailSender>(s =>
        {
            var options = s.GetRequiredService<IOptions<EmailOptions>>();
            return string.IsNullOrWhiteSpace(options.Value.Smtp.Host)
                ? new FolderMailSender(options, s.GetRequiredService<IHostEnvironment>(), s.GetRequiredService<ILogger<FolderMailSender>>())
                : new SmtpMailSender(options, s.GetRequiredService<ILogger<SmtpMailSender>>());
        });
        return services;
    }

    public static MailboxAddress Sender(this EmailOptions options) => MailboxAddress.Parse(options.Smtp.From);
}

/// <summary>One SMTP connection per batch (MailKit), so a roster of 500 invitations is not 500 handshakes.</summary>
public sealed class SmtpMailSender(IOptions<EmailOptions> options, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task<IReadOnlySet<MimeMessage>> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct = default)
    {
        var sent = new HashSet<MimeMessage>();
        if (messages.Count == 0)
        {
            return sent;
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
            return sent;
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
                if (!client.IsConnected)
                {
                    break;
                }
            }
        }
        await client.DisconnectAsync(quit: true, CancellationToken.None);
        return sent;
    }

    private static SecureSocketOptions Security(string value) => value.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "sslonconnect" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

/// <summary>Development default: each message becomes an .eml file (open it in any mail client).</summary>
public sealed class FolderMailSender(IOptions<EmailOptions> options, IHostEnvironment environment, ILogger<FolderMailSender> logger) : IMailSender
{
    public string Directory => Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.PickupDirectory));

    public async Task<IReadOnlySet<MimeMessage>> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct = default)
    {
        var sent = new HashSet<MimeMessage>();
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var message in messages)
        {
            var path = Path.Combine(Directory, $"{DateTime.UtcNow:yyyyMMddTHHmmss}-{Guid.NewGuid():N}.eml");
            await message.WriteToAsync(path, ct);
            sent.Add(message);
        }
        if (messages.Count > 0)
        {
            logger.LogInformation("Wrote {Count} e-mail messages to {Directory} (no SMTP host configured)", messages.Count, Directory);
        }
        return sent;
    }
}
