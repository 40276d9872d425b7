using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tandem.Infrastructure.Email;

/// <summary>
/// One e-mail in the outbox: the whole MIME message as it will go out, committed before the first attempt so a
/// mail server that is down or a node that dies loses nothing. A sender claims the row (ClaimedBy/ClaimedUntil,
/// set by a conditional update) before it talks to the mail server, so two nodes never send the same message;
/// a claim whose node died runs out after the lease and the row is taken again.
/// </summary>
public sealed class OutgoingEmail
{
    public const int RecipientMax = 320;
    public const int SubjectMax = 300;
    public const int ReferenceKindMax = 50;
    public const int ClaimMax = 150;
    public const int ErrorMax = 1000;

    /// <summary>The last error of a message <see cref="ReplacedAt"/> marks.</summary>
    public const string ReplacedError = "Replaced by a newer message.";

    private OutgoingEmail() { }

    public OutgoingEmail(string recipient, string subject, byte[] mime, string? referenceKind, Guid? referenceId, DateTime createdAt, string claimedBy, DateTime claimedUntil)
    {
        Id = Guid.CreateVersion7();
        Recipient = Clip(recipient, RecipientMax);
        Subject = Clip(subject, SubjectMax);
        Mime = mime;
        ReferenceKind = referenceKind;
        ReferenceId = referenceId;
        CreatedAt = createdAt;
        NextAttemptAt = createdAt;
        ClaimedBy = claimedBy;
        ClaimedUntil = claimedUntil;
        Attempts = 1;
    }

    public Guid Id { get; private set; }

    /// <summary>The envelope recipients (comma-separated), for the operator's eyes.</summary>
    public string Recipient { get; private set; } = "";
    public string Subject { get; private set; } = "";

    /// <summary>The serialized MIME message (MimeKit writes and parses it), attachments included.</summary>
    public byte[] Mime { get; private set; } = [];

    /// <summary>What the message is about (e.g. "notification" and its id): told when a retry delivers it.</summary>
    public string? ReferenceKind { get; private set; }
    public Guid? ReferenceId { get; private set; }

    public DateTime CreatedAt { get; private set; }

    /// <summary>Attempts started so far (the one in progress included).</summary>
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public string? ClaimedBy { get; private set; }
    public DateTime? ClaimedUntil { get; private set; }
    public DateTime? SentAt { get; private set; }

    /// <summary>Set when the outbox stopped trying (too many attempts, or a newer message replaced it).</summary>
    public DateTime? GaveUpAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>
    /// Set (with <see cref="GaveUpAt"/>) when a newer message about the same thing replaced this one before it went out:
    /// an invitation or a guardian's consent request sent again with a new link. Such a message is never sent, not even
    /// by `tandem mail retry`: its link no longer works.
    /// </summary>
    public DateTime? ReplacedAt { get; private set; }

    internal static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}

internal sealed class OutgoingEmailConfiguration : IEntityTypeConfiguration<OutgoingEmail>
{
    public void Configure(EntityTypeBuilder<OutgoingEmail> email)
    {
        email.ToTable("OutgoingEmails");
        email.HasKey(e => e.Id);
        email.Property(e => e.Recipient).HasMaxLength(OutgoingEmail.RecipientMax).IsRequired();
        email.Property(e => e.Subject).HasMaxLength(OutgoingEmail.SubjectMax).IsRequired();
        email.Property(e => e.Mime).IsRequired();
        email.Property(e => e.ReferenceKind).HasMaxLength(OutgoingEmail.ReferenceKindMax);
        email.Property(e => e.ClaimedBy).HasMaxLength(OutgoingEmail.ClaimMax);
        email.Property(e => e.LastError).HasMaxLength(OutgoingEmail.ErrorMax);
        // The worker's scan: unsent, not given up, due.
        email.HasIndex(e => new { e.SentAt, e.GaveUpAt, e.NextAttemptAt });
        email.HasIndex(e => e.ClaimedBy);
        email.HasIndex(e => new { e.ReferenceKind, e.ReferenceId });
    }
}
