using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure;
using Tandem.Infrastructure.Email;

namespace Tandem.Features.Integrations;

/// <summary>The "Integrations" configuration section (docs/operations.md; ADR 55).</summary>
public sealed class IntegrationOptions : IValidatableObject
{
    /// <summary>
    /// Also accept http://127.0.0.1:port (and http://[::1]:port) as a webhook address: for the test suite's local receiver
    /// only. Off by default; real Slack and Teams webhooks are https.
    /// </summary>
    public bool AllowLoopbackHttp { get; set; }

    /// <summary>How long one post may take before it counts as failed (and is retried).</summary>
    [TimeSpanRange("00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of channel posts: the same settings as the e-mail outbox's, with their own values.</summary>
    public OutboxOptions Outbox { get; set; } = new() { Interval = TimeSpan.FromSeconds(15) };

    /// <summary>The WhatsApp Business Cloud API (ADR 69).</summary>
    public WhatsAppOptions WhatsApp { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => OptionsSetup.Nested(Outbox, "Outbox")
        .Concat(OptionsSetup.Nested(WhatsApp, "WhatsApp"))
        .Concat(Outbox.Validate(validationContext).Select(r => new ValidationResult("Outbox: " + r.ErrorMessage, r.MemberNames.Select(m => "Outbox:" + m).ToList())));
}

/// <summary>The "Integrations:WhatsApp" section: where the Cloud API is (the tests point it at their local receiver).</summary>
public sealed class WhatsAppOptions
{
    /// <summary>The Graph API's base address, without a trailing slash.</summary>
    [Required, Url]
    public string GraphBaseUrl { get; set; } = "https://graph.facebook.com";

    /// <summary>The Graph API version in the path.</summary>
    [Required, RegularExpression(@"^v[0-9]{1,3}\.[0-9]{1,2}$")]
    public string GraphVersion { get; set; } = "v23.0";

    /// <summary>The messages endpoint of a phone-number id.</summary>
    public string MessagesUrl(string phoneNumberId) => $"{GraphBaseUrl.TrimEnd('/')}/{GraphVersion}/{phoneNumberId}/messages";
}
