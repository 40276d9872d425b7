using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Matching;

internal sealed class MatchSetupConfiguration : IEntityTypeConfiguration<MatchSetup>
{
    public void Configure(EntityTypeBuilder<MatchSetup> setup)
    {
        setup.ToTable("MatchSetups");
        setup.HasKey(s => s.Id);
        setup.Property(s => s.CriteriaJson).IsRequired();
        setup.HasOne<MentorshipProgram>().WithMany().HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
        setup.HasIndex(s => s.ProgramId).IsUnique();
    }
}

internal sealed class MatchRuleConfiguration : IEntityTypeConfiguration<MatchRule>
{
    public void Configure(EntityTypeBuilder<MatchRule> rule)
    {
        rule.ToTable("MatchRules");
        rule.HasKey(r => r.Id);
        rule.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        rule.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        rule.HasOne<Enrolment>().WithMany().HasForeignKey(r => r.FirstEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        rule.HasOne<Enrolment>().WithMany().HasForeignKey(r => r.SecondEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        rule.HasIndex(r => new { r.ProgramId, r.FirstEnrolmentId, r.SecondEnrolmentId }).IsUnique();
    }
}

internal sealed class MatchDraftConfiguration : IEntityTypeConfiguration<MatchDraft>
{
    public void Configure(EntityTypeBuilder<MatchDraft> draft)
    {
        draft.ToTable("MatchDrafts");
        draft.HasKey(d => d.Id);
        draft.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        draft.Property(d => d.CriteriaJson).IsRequired();
        draft.Property(d => d.UnmatchedJson).IsRequired();
        draft.HasOne<MentorshipProgram>().WithMany().HasForeignKey(d => d.ProgramId).OnDelete(DeleteBehavior.Cascade);
        draft.HasMany(d => d.Proposals).WithOne().HasForeignKey(p => p.DraftId).OnDelete(DeleteBehavior.Cascade);
        draft.HasIndex(d => new { d.ProgramId, d.Number }).IsUnique();
    }
}

internal sealed class MatchProposalConfiguration : IEntityTypeConfiguration<MatchProposal>
{
    public void Configure(EntityTypeBuilder<MatchProposal> proposal)
    {
        proposal.ToTable("MatchProposals");
        proposal.HasKey(p => p.Id);
        proposal.Property(p => p.ExplanationJson).IsRequired();
        proposal.HasOne<Enrolment>().WithMany().HasForeignKey(p => p.FirstEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        proposal.HasOne<Enrolment>().WithMany().HasForeignKey(p => p.SecondEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        proposal.HasIndex(p => p.DraftId);
    }
}
