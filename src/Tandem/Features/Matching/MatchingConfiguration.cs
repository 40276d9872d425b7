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
        setup.Property(s => s.Goal).HasConversion<string>().HasMaxLength(20);
        setup.Property(s => s.MixQuestionId).HasMaxLength(100);
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
        draft.Property(d => d.Source).HasConversion<string>().HasMaxLength(20);
        draft.Property(d => d.Goal).HasConversion<string>().HasMaxLength(20);
        draft.Property(d => d.FairnessStatement).HasMaxLength(1000);
        draft.Property(d => d.GroupStatement).HasMaxLength(1000);
        draft.Property(d => d.StabilityStatement).HasMaxLength(1000);
        draft.Property(d => d.CriteriaJson).IsRequired();
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
        proposal.Property(p => p.ChoiceNote).HasMaxLength(2000);
        proposal.HasOne<Enrolment>().WithMany().HasForeignKey(p => p.FirstEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        proposal.HasOne<Enrolment>().WithMany().HasForeignKey(p => p.SecondEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        proposal.HasIndex(p => p.DraftId);
    }
}

internal sealed class UnmatchedEntryConfiguration : IEntityTypeConfiguration<UnmatchedEntry>
{
    public void Configure(EntityTypeBuilder<UnmatchedEntry> entry)
    {
        entry.ToTable("MatchDraftUnmatched");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Name).HasMaxLength(200).IsRequired();
        entry.Property(e => e.Role).HasConversion<string>().HasMaxLength(20);
        entry.Property(e => e.Reason).HasMaxLength(1000).IsRequired();
        entry.HasOne<MatchDraft>().WithMany().HasForeignKey(e => e.DraftId).OnDelete(DeleteBehavior.Cascade);
        entry.HasIndex(e => new { e.DraftId, e.Position }).IsUnique();
    }
}

internal sealed class MatchDraftCertificateConfiguration : IEntityTypeConfiguration<MatchDraftCertificate>
{
    public void Configure(EntityTypeBuilder<MatchDraftCertificate> certificate)
    {
        certificate.ToTable("MatchDraftCertificates");
        certificate.HasKey(c => c.DraftId);
        certificate.Property(c => c.DualsJson).IsRequired();
        certificate.HasOne<MatchDraft>().WithOne().HasForeignKey<MatchDraftCertificate>(c => c.DraftId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MatchingRunConfiguration : IEntityTypeConfiguration<MatchingRun>
{
    public void Configure(EntityTypeBuilder<MatchingRun> run)
    {
        run.ToTable("MatchingRuns");
        run.HasKey(r => r.Id);
        run.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        run.Property(r => r.Phase).HasConversion<string>().HasMaxLength(20);
        run.Property(r => r.Reason).HasConversion<string>().HasMaxLength(20);
        run.Property(r => r.ClaimedBy).HasMaxLength(64);
        run.Property(r => r.Failure).HasMaxLength(2000);
        run.Property(r => r.PhaseTimingsJson).IsRequired();
        run.Ignore(r => r.IsActive);
        run.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        // One queued or running run per program: two coordinators pressing "run" get the same run.
        run.HasIndex(r => r.ProgramId).IsUnique().HasFilter("\"Status\" IN ('Queued', 'Running')").HasDatabaseName("IX_MatchingRuns_ProgramId_Active");
        run.HasIndex(r => new { r.ProgramId, r.RequestedAt });
        run.HasIndex(r => new { r.Status, r.RequestedAt });
    }
}

internal sealed class MatchingExportConfiguration : IEntityTypeConfiguration<MatchingExport>
{
    public void Configure(EntityTypeBuilder<MatchingExport> export)
    {
        export.ToTable("MatchingExports");
        export.HasKey(e => e.Id);
        export.Property(e => e.MenteeIdsJson).IsRequired();
        export.Property(e => e.MentorIdsJson).IsRequired();
        export.HasOne<MentorshipProgram>().WithMany().HasForeignKey(e => e.ProgramId).OnDelete(DeleteBehavior.Cascade);
        export.HasIndex(e => new { e.ProgramId, e.CreatedAt });
    }
}

internal sealed class RankingOfferConfiguration : IEntityTypeConfiguration<RankingOffer>
{
    public void Configure(EntityTypeBuilder<RankingOffer> offer)
    {
        offer.ToTable("RankingOffers");
        offer.HasKey(o => o.Id);
        offer.Property(o => o.ReasonsJson).IsRequired();
        offer.HasOne<MentorshipProgram>().WithMany().HasForeignKey(o => o.ProgramId).OnDelete(DeleteBehavior.Cascade);
        offer.HasOne<Enrolment>().WithMany().HasForeignKey(o => o.MenteeEnrolmentId).OnDelete(DeleteBehavior.Cascade);
        offer.HasOne<Enrolment>().WithMany().HasForeignKey(o => o.MentorEnrolmentId).OnDelete(DeleteBehavior.Cascade);
        offer.HasIndex(o => new { o.ProgramId, o.MenteeEnrolmentId, o.MentorEnrolmentId }).IsUnique();
        offer.HasIndex(o => o.MentorEnrolmentId);
        offer.HasIndex(o => o.MenteeEnrolmentId);
    }
}
