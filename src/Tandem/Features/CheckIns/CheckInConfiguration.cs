using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Meetings;
using Tandem.Features.Relationships;

namespace Tandem.Features.CheckIns;

internal sealed class CheckInConfiguration : IEntityTypeConfiguration<CheckIn>
{
    public void Configure(EntityTypeBuilder<CheckIn> checkIn)
    {
        checkIn.ToTable("CheckIns");
        checkIn.HasKey(c => c.Id);
        checkIn.Property(c => c.Topics).HasMaxLength(CheckIn.TopicsMax).IsRequired();
        checkIn.Property(c => c.Progress).HasMaxLength(CheckIn.TextMax);
        checkIn.Property(c => c.Challenges).HasMaxLength(CheckIn.TextMax);
        checkIn.Property(c => c.NextSteps).HasMaxLength(CheckIn.TextMax);
        checkIn.HasOne<Relationship>().WithMany().HasForeignKey(c => c.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        // A meeting is cancelled rather than deleted; should one ever be deleted, its check-ins stay as contacts.
        checkIn.HasOne<Meeting>().WithMany().HasForeignKey(c => c.MeetingId).OnDelete(DeleteBehavior.SetNull);
        checkIn.HasOne<TandemUser>().WithMany().HasForeignKey(c => c.AuthorUserId).OnDelete(DeleteBehavior.Cascade);
        // One check-in per person per meeting (NULL meeting ids, i.e. unscheduled contacts, never collide).
        checkIn.HasIndex(c => new { c.MeetingId, c.AuthorUserId }).IsUnique();
        checkIn.HasIndex(c => new { c.RelationshipId, c.OccurredAt });
        // The check-ins export's order (ADR 133): each batch of a program's check-ins is a range of this index from the last
        // row written, not a sort of every check-in after it.
        checkIn.HasIndex(c => new { c.OccurredAt, c.Id });
    }
}
