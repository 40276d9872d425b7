using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;

namespace Tandem.Features.Notifications;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> notification)
    {
        notification.ToTable("Notifications");
        notification.HasKey(n => n.Id);
        notification.Property(n => n.Title).HasMaxLength(Notification.TitleMax).IsRequired();
        notification.Property(n => n.Body).HasMaxLength(Notification.BodyMax).IsRequired();
        notification.Property(n => n.Link).HasMaxLength(Notification.LinkMax);
        notification.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
        notification.Property(n => n.Choice).HasConversion<string>().HasMaxLength(20);
        notification.HasOne<TandemUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        // The person's list, newest first, and the unread count.
        notification.HasIndex(n => new { n.UserId, n.CreatedAt });
        notification.HasIndex(n => new { n.UserId, n.ReadAt });
        // Retention and erasure find a program's notices; the digest reads the column of the rows it already has.
        notification.HasIndex(n => n.ProgramId);
        // The digest pass finds who has notifications waiting for a digest without reading the rest.
        notification.HasIndex(n => new { n.UserId, n.CreatedAt }, "IX_Notifications_WaitingForDigest")
            .HasFilter("\"Choice\" = 'DailyDigest' AND \"DigestId\" IS NULL");
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> preference)
    {
        // A table of its own from the per-kind choices on (ADR 57); the old one-flag table was folded into it by the migration.
        preference.ToTable("NotificationChoices");
        preference.HasKey(p => new { p.UserId, p.Kind });
        preference.Property(p => p.Kind).HasConversion<string>().HasMaxLength(20);
        preference.Property(p => p.Choice).HasConversion<string>().HasMaxLength(20);
        preference.HasOne<TandemUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationDigestConfiguration : IEntityTypeConfiguration<NotificationDigest>
{
    public void Configure(EntityTypeBuilder<NotificationDigest> digest)
    {
        digest.ToTable("NotificationDigests");
        digest.HasKey(d => d.Id);
        digest.HasOne<TandemUser>().WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
        // The claim: one digest per person per digest time, whichever node inserts it first.
        digest.HasIndex(d => new { d.UserId, d.DueAt }).IsUnique();
    }
}
