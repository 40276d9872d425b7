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
        services.AddHostedService<PublicAddressCheck>();
        services.AddSingleton<IMailSender>(s =>
        {
            var options = s.GetRequiredService<IOptions<EmailOptions>>();
            return string.IsNullOrWhiteSpace(options.Value.Smtp.Host)
                ? new FolderMailSender(options, s.GetRequiredService<Hosting.DataDirectory>(), s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<FolderMailSender>>())
                : new SmtpMailSender(options, s.GetRequiredService<ILogger<SmtpMailSender>>());
        });
        return services;
    }

    public static MailboxAddress Sender(this EmailOptions options) => MailboxAddress.Parse(options.Smtp.From);
}
