using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace Tandem.Infrastructure.Email;

/// <summary>The "Email" configuration section (see docs/operations.md), checked when the app starts.</summary>
public sealed class EmailOptions : IValidatableObject
{
    /// <summary>Absolute base of links in messages, e.g. https://tandem.example.org (no trailing slash needed).</summary>
    [Required]
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>Where messages are written as .eml files when no SMTP host is configured (relative to the data directory).</summary>
    [Required]
    public string PickupDirectory { get; set; } = "mail";

    public SmtpOptions Smtp { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();

    public string Link(string path) => PublicBaseUrl.TrimEnd('/') + "/" + path.TrimStart('/');

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult($"PublicBaseUrl must be an absolute http or https address, not '{PublicBaseUrl}'.", [nameof(PublicBaseUrl)]);
        }
        foreach (var error in OptionsSetup.Nested(Smtp, "Smtp").Concat(OptionsSetup.Nested(Outbox, "Outbox")))
        {
            yield return error;
        }
    }
}

public sealed class SmtpOptions : IValidatableObject
{
    /// <summary>When empty, messages go to <see cref="EmailOptions.PickupDirectory"/> instead of SMTP.</summary>
    public string? Host { get; set; }
    [Range(1, 65535)]
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Tandem <no-reply@tandem.localhost>";

    /// <summary>Auto (SSL on 465, STARTTLS when offered otherwise), None, StartTls (required) or SslOnConnect.</summary>
    [RegularExpression("(?i)^(Auto|None|StartTls|SslOnConnect)$", ErrorMessage = "Security must be Auto, None, StartTls or SslOnConnect.")]
    public string Security { get; set; } = "Auto";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!MailboxAddress.TryParse(From, out _))
        {
            yield return new ValidationResult($"From must be an e-mail address such as 'Tandem <no-reply@school.example>', not '{From}'.", [nameof(From)]);
        }
    }
}

/// <summary>The "Email:Outbox" section: how failed messages are retried (see docs/decisions/0010-email-outbox.md).</summary>
public sealed class OutboxOptions : IValidatableObject
{
    /// <summary>Minutes to wait after the 1st, 2nd, … failed attempt; the last value repeats.</summary>
    public string RetryMinutes { get; set; } = "1,5,15,60,240";

    /// <summary>After this many failed attempts the message is given up (and logged as an error).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often the outbox worker looks for messages due for another attempt.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A claimed message that was not marked sent or failed after this long (its node died) is claimed again.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Messages one worker pass claims at most (one SMTP connection).</summary>
    [Range(1, 10000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Sent and given-up messages are deleted this long after they were sent or given up (they hold e-mail bodies).</summary>
    [TimeSpanRange("01:00:00", "3650.00:00:00")]
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Run the outbox worker on this node (test hosts turn it off and drive the outbox themselves).</summary>
    public bool WorkerEnabled { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var minutes = RetryMinutes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (minutes.Length == 0 || minutes.Any(m => !double.TryParse(m, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < 0))
        {
            yield return new ValidationResult($"RetryMinutes must be a comma-separated list of minutes (e.g. 1,5,15,60,240), not '{RetryMinutes}'.", [nameof(RetryMinutes)]);
        }
    }

    public TimeSpan DelayAfter(int failedAttempts)
    {
        var minutes = RetryMinutes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => double.TryParse(m, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : 1).ToList();
        if (minutes.Count == 0)
        {
            minutes.Add(1);
        }
        return TimeSpan.FromMinutes(minutes[Math.Clamp(failedAttempts - 1, 0, minutes.Count - 1)]);
    }
}
