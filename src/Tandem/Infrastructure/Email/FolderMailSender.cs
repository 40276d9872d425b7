using Microsoft.Extensions.Options;
using MimeKit;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Infrastructure.Email;

/// <summary>Development default: each message becomes an .eml file (open it in any mail client).</summary>
public sealed class FolderMailSender(IOptions<EmailOptions> options, DataDirectory data, TimeProvider clock, ILogger<FolderMailSender> logger) : IMailSender
{
    public string Directory => data.Resolve(options.Value.PickupDirectory);

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
