namespace Tandem.Infrastructure.Email;

/// <summary>The "Email" configuration section (see docs/operations.md).</summary>
public sealed class EmailOptions
{
    /// <summary>Absolute base of links in messages, e.g. https://tandem.example.org (no trailing slash needed).</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5000";

    /// <summary>Where messages are written as .eml files when no SMTP host is configured (relative to the content root).</summary>
    public string PickupDirectory { get; set; } = "data/mail";

    public SmtpOptions Smtp { get; set; } = new();

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
