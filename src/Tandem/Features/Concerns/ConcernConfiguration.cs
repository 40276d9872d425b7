using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Concerns;

internal sealed class ConcernConfiguration : IEntityTypeConfiguration<Concern>
{
    public void Configure(EntityTypeBuilder<Concern> concern)
    {
        concern.ToTable("Concerns");
        concern.HasKey(c => c.Id);
        concern.Property(c => c.Category).HasConversion<string>().HasMaxLength(20);
        // Two handlers taking a step at once: the second save finds the state changed and gets 409.
        concern.Property(c => c.State).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
        concern.Property(c => c.Description).HasMaxLength(Concern.DescriptionMax).IsRequired();
        concern.Ignore(c => c.IsSafeguarding);
        concern.Ignore(c => c.IsFinal);
        concern.HasMany(c => c.Steps).WithOne().HasForeignKey(s => s.ConcernId).OnDelete(DeleteBehavior.Cascade);
        concern.HasOne<MentorshipProgram>().WithMany().HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
        concern.HasIndex(c => new { c.ProgramId, c.ReportedAt });
        concern.HasIndex(c => c.ReporterUserId);
        concern.HasIndex(c => new { c.State, c.AcknowledgeBy });
    }
}

internal sealed class ConcernStepConfiguration : IEntityTypeConfiguration<ConcernStep>
{
    public void Configure(EntityTypeBuilder<ConcernStep> step)
    {
        step.ToTable("ConcernSteps");
        step.HasKey(s => s.Id);
        step.Property(s => s.Step).HasConversion<string>().HasMaxLength(20);
        step.Property(s => s.Note).HasMaxLength(Concern.NoteMax);
        step.HasIndex(s => new { s.ConcernId, s.At });
    }
}

internal sealed class SafeguardingLeadConfiguration : IEntityTypeConfiguration<SafeguardingLead>
{
    public void Configure(EntityTypeBuilder<SafeguardingLead> lead)
    {
        lead.ToTable("SafeguardingLeads");
        lead.HasKey(l => new { l.OrganisationId, l.UserId });
        lead.HasIndex(l => l.UserId);
    }
}
