using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Organisations;

namespace Tandem.Features.Programs;

internal sealed class ProgramConfiguration : IEntityTypeConfiguration<MentorshipProgram>
{
    public void Configure(EntityTypeBuilder<MentorshipProgram> program)
    {
        program.ToTable("Programs");
        program.HasKey(p => p.Id);
        program.Property(p => p.Name).HasMaxLength(120).IsRequired();
        program.Property(p => p.Description).HasMaxLength(4000);
        program.Property(p => p.TargetAudience).HasMaxLength(500);
        program.Property(p => p.Guidelines).HasMaxLength(10000);
        program.Property(p => p.Pairing).HasConversion<string>().HasMaxLength(20);
        program.Property(p => p.Cadence).HasConversion<string>().HasMaxLength(20);
        program.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        program.Property(p => p.ReopensAs).HasConversion<string>().HasMaxLength(20);
        program.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        program.HasIndex(p => new { p.OrganisationId, p.Name });
        program.OwnsMany(p => p.Objectives, objective =>
        {
            objective.ToTable("ProgramObjectives");
            objective.WithOwner().HasForeignKey("ProgramId");
            objective.HasKey(o => o.Id);
            objective.Property(o => o.Description).HasMaxLength(300).IsRequired();
            objective.Property(o => o.Target).HasMaxLength(300).IsRequired();
            objective.Property(o => o.Measure).HasConversion<string>().HasMaxLength(20);
            objective.Property(o => o.QuestionId).HasMaxLength(64);
            objective.Property(o => o.OutcomeMeasure).HasMaxLength(100);
        });
        program.Navigation(p => p.Objectives).AutoInclude(false);
        program.HasMany(p => p.Enrolments).WithOne().HasForeignKey(e => e.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EnrolmentConfiguration : IEntityTypeConfiguration<Enrolment>
{
    public void Configure(EntityTypeBuilder<Enrolment> enrolment)
    {
        enrolment.HasKey(e => e.Id);
        enrolment.Property(e => e.Role).HasConversion<string>().HasMaxLength(20);
        enrolment.HasOne(e => e.User).WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        enrolment.HasIndex(e => new { e.ProgramId, e.UserId, e.Role }).IsUnique();
        enrolment.HasIndex(e => e.UserId);
        // The roster by role and then in the order people joined, a page at a time from the index (ADR 50).
        enrolment.HasIndex(e => new { e.ProgramId, e.Role, e.EnrolledAt, e.Id });
    }
}
