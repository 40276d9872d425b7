using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Recruitment;

internal sealed class NominationConfiguration : IEntityTypeConfiguration<Nomination>
{
    public void Configure(EntityTypeBuilder<Nomination> nomination)
    {
        nomination.ToTable("Nominations");
        nomination.HasKey(n => n.Id);
        nomination.Property(n => n.NomineeEmail).HasMaxLength(256).IsRequired();
        nomination.Property(n => n.Role).HasConversion<string>().HasMaxLength(20);
        nomination.Property(n => n.Statement).HasMaxLength(Nomination.StatementMaxLength).IsRequired();
        nomination.HasOne<MentorshipProgram>().WithMany().HasForeignKey(n => n.ProgramId).OnDelete(DeleteBehavior.Cascade);
        nomination.HasOne<TandemUser>().WithMany().HasForeignKey(n => n.NomineeUserId).OnDelete(DeleteBehavior.SetNull);
        nomination.HasOne<TandemUser>().WithMany().HasForeignKey(n => n.NominatedByUserId).OnDelete(DeleteBehavior.Restrict);
        nomination.HasIndex(n => new { n.ProgramId, n.CreatedAt });
        nomination.HasIndex(n => n.NomineeUserId);
    }
}
