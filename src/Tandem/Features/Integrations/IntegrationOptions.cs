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
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of channel posts: the same settings as the e-mail outbox's, with their own values.</summary>
    public OutboxOptions Outbox { get; set; } = new() { Interval = TimeSpan.FromSeconds(15) };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => OptionsSetup.Nested(Outbox, "Outbox")
        .Concat(Outbox.Validate(validationContext).Select(r => new ValidationResult("Outbox: " + r.ErrorMessage, r.MemberNames.Select(m => "Outbox:" + m).ToList())));
}
