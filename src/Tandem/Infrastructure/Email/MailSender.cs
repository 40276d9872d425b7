using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tandem.Infrastructure.Email;

/// <summary>
/// The transport: hands messages to SMTP in production, to a folder of .eml files in development. Features do not
/// call it directly: they go through <see cref="MailOutbox"/>, which keeps every message until it went out.
/// </summary>
public interface IMailSender
{
    /// <summary>Sends each message; returns the ones that were handed over, and why the others were not. Never throws for a delivery failure.</summary>
    Task<MailDelivery> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct = default);
}

/// <summary>What a transport did with a batch: the messages handed over, and an error for each one that was not.</summary>
public sealed record MailDelivery(IReadOnlySet<MimeMessage> Sent, IReadOnlyDictionary<MimeMessage, string> Errors)
{
    public string ErrorFor(MimeMessage message) => Errors.GetValueOrDefault(message) ?? "Not handed to the mail server.";
}

public static class EmailSetup
{
    public static IServiceCollection AddTandemEmail(this IServiceCollection services)
    {
        services.AddCheckedOptions<EmailOptions>("Email");
        services.AddScoped<MailOutbox>();
        services.AddHostedService<MailOutboxWorker>();
        services.AddSingleton<IMailSender>(s =>
        {
            var options = s.GetRequiredService<IOptions<EmailOptions>>();
            return string.IsNullOrWhiteSpace(options.Value.Smtp.Host)
                ? new FolderMailSender(options, s.GetRequiredService<IHostEnvironment>(), s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<FolderMailSender>>())
                : new SmtpMailSender(options, s.GetRequiredService<ILogger<SmtpMailSender>>());
        });
        return services;
    }

    public static MailboxAddress Sender(this EmailOptions options) => MailboxAddress.Parse(options.Smtp.From);
}

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

/// <summary>Development default: each message becomes an .eml file (open it in any mail client).</summary>
public sealed class FolderMailSender(IOptions<EmailOptions> options, IHostEnvironment environment, TimeProvider clock, ILogger<FolderMailSender> logger) : IMailSender
{
    public string Directory => Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.PickupDirectory));

    public async Task<MailDelivery> SendAsync(IReadOnlyList<MimeMessage> messages, CancellationToken ct = default)
    {
        var sent = new HashSet<MimeMessage>();
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var message in messages)
        {
            var path = Path.Combine(Directory, $"{clock.GetUtcNow():yyyyMMddTHHmmss}-{Guid.NewGuid():N}.eml");
            await message.WriteToAsync(path, ct);
            sent.Add(message);
        }
        if (messages.Count > 0)
        {
            logger.LogInformation("Wrote {Count} e-mail messages to {Directory} (no SMTP host configured)", messages.Count, Directory);
        }
        return new MailDelivery(sent, new Dictionary<MimeMessage, string>());
    }
}
