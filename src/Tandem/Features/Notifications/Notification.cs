namespace Tandem.Features.Notifications;

/// <summary>An in-app message to one person (also e-mailed at once, or in their daily digest, as they chose for its kind).</summary>
public sealed class Notification
{
    public const int TitleMax = 200;
    public const int BodyMax = 4000;
    public const int LinkMax = 500;

    private Notification() { }

    public Notification(Guid userId, NotificationKind kind, NotificationChoice choice, string title, string body, string? link, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Kind = kind;
        Choice = NotificationKinds.IsFixed(kind) ? NotificationChoice.Email : choice;
        Title = Clip(title.Trim(), TitleMax);
        Body = Clip(body.Trim(), BodyMax);
        Link = string.IsNullOrWhiteSpace(link) ? null : Clip(link.Trim(), LinkMax);
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public NotificationKind Kind { get; private set; }

    /// <summary>The person's choice for this kind when it was created: whether it is e-mailed at once or waits for their digest.</summary>
    public NotificationChoice Choice { get; private set; }
    public string Title { get; private set; } = "";
    public string Body { get; private set; } = "";

    /// <summary>A path inside Tandem (e.g. /programs/…/health), made absolute in e-mails.</summary>
    public string? Link { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? ReadAt { get; private set; }

    /// <summary>When the e-mail copy was handed to the mail server; null when not e-mailed (preference off, or still queued for a retry).</summary>
    public DateTime? EmailedAt { get; private set; }

    /// <summary>The daily digest that listed it; null while it waits for one (or when it is not a digest notification).</summary>
    public Guid? DigestId { get; private set; }

    /// <summary>
    /// The program the notice speaks for, when its sender sent it through the consent gate (<c>Notify.ToProgramAsync</c>):
    /// the digest asks that program's gate again at sending time, and retention clears the program's notices. Null for
    /// notices that belong to no one program (account, organisation, administrator notices).
    /// </summary>
    public Guid? ProgramId { get; private set; }

    /// <summary>Marks the notice as the program's (see <see cref="ProgramId"/>).</summary>
    public Notification For(Guid programId)
    {
        ProgramId = programId;
        return this;
    }

    public void MarkRead(DateTime at) => ReadAt ??= at;

    public void MarkDigested(Guid digestId) => DigestId ??= digestId;

    public void MarkEmailed(DateTime at) => EmailedAt ??= at;

    /// <summary>Left out of the digest (its program may no longer contact the person, ADR 48): it stays in the app only.</summary>
    public void KeepInApp()
    {
        if (DigestId is null && EmailedAt is null)
        {
            Choice = NotificationChoice.InApp;
        }
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : Tandem.Infrastructure.Text.WholeCharacters.Within(value, max - 1) + "…";
}

/// <summary>One person's choice for one kind of notification. Without a row the kind is e-mailed at once (<see cref="NotificationKinds.Default"/>).</summary>
public sealed class NotificationPreference
{
    private NotificationPreference() { }

    public NotificationPreference(Guid userId, NotificationKind kind, NotificationChoice choice, DateTime at)
    {
        UserId = userId;
        Kind = kind;
        Choice = choice;
        UpdatedAt = at;
    }

    public Guid UserId { get; private set; }
    public NotificationKind Kind { get; private set; }
    public NotificationChoice Choice { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public void Change(NotificationChoice choice, DateTime at)
    {
        Choice = choice;
        UpdatedAt = at;
    }
}

/// <summary>
/// One daily digest e-mail to one person: the claim (unique per person and digest time, so of two nodes only one
/// sends it) and the record that it went into the outbox. The notifications it listed point to it.
/// </summary>
public sealed class NotificationDigest
{
    private NotificationDigest() { }

    public NotificationDigest(Guid userId, DateTime dueAt, int count, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        DueAt = dueAt;
        Count = count;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }

    /// <summary>The digest hour on the person's clock, in UTC: the digest lists what was created before it.</summary>
    public DateTime DueAt { get; private set; }
    public int Count { get; private set; }
    public DateTime CreatedAt { get; private set; }
}
