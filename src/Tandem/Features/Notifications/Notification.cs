namespace Tandem.Features.Notifications;

/// <summary>An in-app message to one person (also e-mailed when their preference allows).</summary>
public sealed class Notification
{
    public const int TitleMax = 200;
    public const int BodyMax = 4000;
    public const int LinkMax = 500;

    private Notification() { }

    public Notification(Guid userId, string title, string body, string? link, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Title = Clip(title.Trim(), TitleMax);
        Body = Clip(body.Trim(), BodyMax);
        Link = string.IsNullOrWhiteSpace(link) ? null : Clip(link.Trim(), LinkMax);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Title { get; private set; } = "";
    public string Body { get; private set; } = "";

    /// <summary>A path inside Tandem (e.g. /programs/…/health), made absolute in e-mails.</summary>
    public string? Link { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ReadAt { get; private set; }

    /// <summary>When the e-mail copy was handed to the mail server; null when not e-mailed (preference off, or still queued for a retry).</summary>
    public DateTime? EmailedAt { get; private set; }

    public void MarkRead(DateTime at) => ReadAt ??= at;

    public void MarkEmailed(DateTime at) => EmailedAt ??= at;

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}

/// <summary>How one person wants to hear from Tandem. In-app notifications are always kept; e-mail is their choice.</summary>
public sealed class NotificationPreference
{
    private NotificationPreference() { }

    public NotificationPreference(Guid userId, bool email, DateTime at)
    {
        UserId = userId;
        Email = email;
        UpdatedAt = at;
    }

    /// <summary>Without a stored preference, notifications are e-mailed too.</summary>
    public const bool EmailByDefault = true;

    public Guid UserId { get; private set; }
    public bool Email { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public void Change(bool email, DateTime at)
    {
        Email = email;
        UpdatedAt = at;
    }
}
