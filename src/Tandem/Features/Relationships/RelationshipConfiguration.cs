using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

internal sealed class RelationshipConfiguration : IEntityTypeConfiguration<Relationship>
{
    public void Configure(EntityTypeBuilder<Relationship> relationship)
    {
        relationship.ToTable("Relationships");
        relationship.HasKey(r => r.Id);
        relationship.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        relationship.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        relationship.Property(r => r.Source).HasConversion<string>().HasMaxLength(20);
        relationship.Property(r => r.EndReason).HasMaxLength(1000);
        relationship.Property(r => r.MatchExplanation).HasMaxLength(4000);
        relationship.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        relationship.HasOne<Relationship>().WithMany().HasForeignKey(r => r.PreviousRelationshipId).OnDelete(DeleteBehavior.Restrict);
        relationship.HasMany(r => r.Members).WithOne().HasForeignKey(m => m.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        // A program's relationships by status, and their engagement health from the index alone, quietest first (ADR 46).
        relationship.HasIndex(r => new { r.ProgramId, r.Status, r.QuietSince, r.StartsOn, r.MeetingsHeld, r.PoorFitFlaggedAt })
            .HasDatabaseName("IX_Relationships_Health");
        // The coordinators' list, newest first, read from the index a page at a time (ADR 50).
        relationship.HasIndex(r => new { r.ProgramId, r.CreatedAt, r.Id });
    }
}

internal sealed class RelationshipMemberConfiguration : IEntityTypeConfiguration<RelationshipMember>
{
    public void Configure(EntityTypeBuilder<RelationshipMember> member)
    {
        member.ToTable("RelationshipMembers");
        member.HasKey(m => new { m.RelationshipId, m.EnrolmentId });
        member.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        member.HasOne<Enrolment>().WithMany().HasForeignKey(m => m.EnrolmentId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<TandemUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        member.HasIndex(m => m.UserId);
        member.HasIndex(m => m.EnrolmentId);
    }
}

internal sealed class RelationshipSeatConfiguration : IEntityTypeConfiguration<RelationshipSeat>
{
    public void Configure(EntityTypeBuilder<RelationshipSeat> seat)
    {
        seat.ToTable("RelationshipSeats");
        seat.HasKey(s => new { s.EnrolmentId, s.Seat });
        seat.HasOne<Relationship>().WithMany().HasForeignKey(s => s.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        seat.HasOne<Enrolment>().WithMany().HasForeignKey(s => s.EnrolmentId).OnDelete(DeleteBehavior.Cascade);
        seat.HasIndex(s => s.RelationshipId);
    }
}
