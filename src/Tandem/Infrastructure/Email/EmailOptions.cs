namespace Tandem.Infrastructure.Email;

/// <summary>The "Email" configuration section (see docs/operations.md).</summary>
public sealed class EmailOptions
{
    /// <summary>Absolute base of links in messages, e.g. https://tandem.example.org (no trailing slash needed).</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>Where messages are written as .eml files when no SMTP host is configured (relative to the content root).</summary>
    public string PickupDirectory { get; set; } = "data/mail";

    public SmtpOptions Smtp { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();

    public string Link(string path) => PublicBaseUrl.TrimEnd('/') + "/" + path.TrimStart('/');
}

public sealed class SmtpOptions
{
    /// <summary>When empty, messages go to <see cref="EmailOptions.PickupDirectory"/> instead of SMTP.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Tandem <no-reply@tandem.localhost>";

    /// <summary>Auto (SSL on 465, STARTTLS when offered otherwise), None, StartTls (required) or SslOnConnect.</summary>
    public string Security { get; set; } = "Auto";
}

/// <summary>The "Email:Outbox" section: how failed messages are retried (see docs/decisions/0010-email-outbox.md).</summary>
public sealed class OutboxOptions
{
    /// <summary>Minutes to wait after the 1st, 2nd, … failed attempt; the last value repeats.</summary>
    public string RetryMinutes { get; set; } = "1,5,15,60,240";

    /// <summary>After this many failed attempts the message is given up (and logged as an error).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often the outbox worker looks for messages due for another attempt.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A claimed message that was not marked sent or failed after this long (its node died) is claimed again.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Messages one worker pass claims at most (one SMTP connection).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Sent and given-up messages are deleted this long after they were sent or given up (they hold e-mail bodies).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Run the outbox worker on this node. Unset: on, except in the "Testing" environment.</summary>
    public bool? WorkerEnabled { get; set; }

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
