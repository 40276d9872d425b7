using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Organisations;

namespace Tandem.Features.Integrations;

/// <summary>
/// An endpoint of an organisation's own systems that Tandem posts signed events to (ADR 58). The signing secret is made
/// here, shown once when it is made, and stored encrypted with the data-protection key ring the nodes share (ADR 16, 45):
/// it must be readable to compute each signature, so it cannot be hashed.
/// </summary>
public sealed class OrganisationWebhook
{
    public const int DescriptionMax = 200;
    public const int EventsMax = 300;
    public const int ProtectedMax = 4000;

    /// <summary>Endpoints one organisation may have.</summary>
    public const int PerOrganisationMax = 20;

    private OrganisationWebhook() { }

    public OrganisationWebhook(Guid organisationId, string url, string? description, IReadOnlyCollection<string> events, string protectedSecret, string secretHint, Guid by, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        Url = url;
        Description = description;
        Events = string.Join(',', events);
        ProtectedSecret = protectedSecret;
        SecretHint = secretHint;
        Active = true;
        CreatedByUserId = by;
        CreatedAt = at;
        UpdatedAt = at;
        SecretCreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Url { get; private set; } = "";
    public string? Description { get; private set; }

    /// <summary>The subscribed event types, comma-separated (<see cref="Infrastructure.Webhooks.WebhookEvent.Types"/>).</summary>
    public string Events { get; private set; } = "";

    public bool Active { get; private set; }

    /// <summary>The signing secret, encrypted with the data-protection keys.</summary>
    public string ProtectedSecret { get; private set; } = "";

    /// <summary>The secret's last four characters, so a coordinator can tell which one a receiver holds.</summary>
    public string SecretHint { get; private set; } = "";
    public DateTime SecretCreatedAt { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<string> EventList => this.Events.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(string eventType) => Active && EventList.Contains(eventType);

    public void Change(string? url, string? description, IReadOnlyCollection<string>? events, bool? active, DateTime at)
    {
        Url = url ?? Url;
        Description = description is null ? Description : description.Length == 0 ? null : description;
        Events = events is null ? Events : string.Join(',', events);
        Active = active ?? Active;
        UpdatedAt = at;
    }

    public void RotateSecret(string protectedSecret, string secretHint, DateTime at)
    {
        ProtectedSecret = protectedSecret;
        SecretHint = secretHint;
        SecretCreatedAt = at;
        UpdatedAt = at;
    }

    /// <summary>A new signing secret: "whsec_" and 32 random bytes in base64url. Receivers use the whole string as the HMAC key.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hint(string secret) => secret[^4..];
}

/// <summary>
/// The signature of a webhook delivery: <c>v1=</c> and the lowercase hex HMAC-SHA256, keyed with the secret's UTF-8 bytes,
/// of "<c>{timestamp}.{body}</c>", the timestamp in Unix seconds as sent in <c>Tandem-Webhook-Timestamp</c> (docs/formats.md, "Signed webhooks").
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "Tandem-Webhook-Id";
    public const string TimestampHeader = "Tandem-Webhook-Timestamp";
    public const string SignatureHeader = "Tandem-Signature";

    /// <summary>How far a receiver should accept a timestamp from its own clock (the documented tolerance).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, string body) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>What a receiver does (the reference for docs/formats.md, "Signed webhooks"): any v1 signature matches, in constant time, and the timestamp is recent.</summary>
    public static bool Verify(string secret, string timestampHeader, string signatureHeader, string body, DateTimeOffset now)
    {
        if (!long.TryParse(timestampHeader, out var timestamp) || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > Tolerance.TotalSeconds)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        return signatureHeader.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)
            .Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}

internal sealed class OrganisationWebhookConfiguration : IEntityTypeConfiguration<OrganisationWebhook>
{
    public void Configure(EntityTypeBuilder<OrganisationWebhook> webhook)
    {
        webhook.ToTable("OrganisationWebhooks");
        webhook.HasKey(w => w.Id);
        webhook.Ignore(w => w.EventList);
        webhook.Property(w => w.Url).HasMaxLength(WebhookAddress.Max).IsRequired();
        webhook.Property(w => w.Description).HasMaxLength(OrganisationWebhook.DescriptionMax);
        webhook.Property(w => w.Events).HasMaxLength(OrganisationWebhook.EventsMax).IsRequired();
        webhook.Property(w => w.ProtectedSecret).HasMaxLength(OrganisationWebhook.ProtectedMax).IsRequired();
        webhook.Property(w => w.SecretHint).HasMaxLength(8).IsRequired();
        webhook.HasOne<Organisation>().WithMany().HasForeignKey(w => w.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        webhook.HasIndex(w => new { w.OrganisationId, w.CreatedAt });
    }
}
