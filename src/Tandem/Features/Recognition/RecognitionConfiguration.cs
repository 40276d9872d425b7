using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Recognition;

internal sealed class KudosConfiguration : IEntityTypeConfiguration<Kudos>
{
    public void Configure(EntityTypeBuilder<Kudos> kudos)
    {
        kudos.ToTable("Kudos");
        kudos.HasKey(k => k.Id);
        kudos.Property(k => k.Message).HasMaxLength(Kudos.MessageMax).IsRequired();
        kudos.HasOne<MentorshipProgram>().WithMany().HasForeignKey(k => k.ProgramId).OnDelete(DeleteBehavior.Cascade);
        kudos.HasOne<TandemUser>().WithMany().HasForeignKey(k => k.FromUserId).OnDelete(DeleteBehavior.Cascade);
        kudos.HasOne<TandemUser>().WithMany().HasForeignKey(k => k.ToUserId).OnDelete(DeleteBehavior.Cascade);
        kudos.HasIndex(k => new { k.ToUserId, k.SentAt });
        kudos.HasIndex(k => new { k.FromUserId, k.SentAt });
        kudos.HasIndex(k => new { k.ProgramId, k.SentAt });
    }
}

internal sealed class ProgramBadgeRuleConfiguration : IEntityTypeConfiguration<ProgramBadgeRule>
{
    public void Configure(EntityTypeBuilder<ProgramBadgeRule> rule)
    {
        rule.ToTable("ProgramBadgeRules");
        rule.HasKey(r => new { r.ProgramId, r.Badge });
        rule.Property(r => r.Badge).HasMaxLength(BadgeCatalogue.CodeMax);
        rule.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BadgeAwardConfiguration : IEntityTypeConfiguration<BadgeAward>
{
    public void Configure(EntityTypeBuilder<BadgeAward> award)
    {
        award.ToTable("BadgeAwards");
        award.HasKey(a => a.Id);
        award.Property(a => a.Badge).HasMaxLength(BadgeCatalogue.CodeMax).IsRequired();
        award.Property(a => a.Reason).HasMaxLength(BadgeAward.ReasonMax);
        award.HasOne<MentorshipProgram>().WithMany().HasForeignKey(a => a.ProgramId).OnDelete(DeleteBehavior.Cascade);
        award.HasOne<TandemUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        // A badge is awarded once: inserts say ON CONFLICT DO NOTHING against this index.
        award.HasIndex(a => new { a.ProgramId, a.UserId, a.Badge }).IsUnique();
        award.HasIndex(a => new { a.UserId, a.AwardedAt });
    }
}

internal sealed class ServiceHourEntryConfiguration : IEntityTypeConfiguration<ServiceHourEntry>
{
    public void Configure(EntityTypeBuilder<ServiceHourEntry> entry)
    {
        entry.ToTable("ServiceHourEntries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Source).HasConversion<string>().HasMaxLength(16);
        entry.Property(e => e.State).HasConversion<string>().HasMaxLength(16);
        entry.Property(e => e.Description).HasMaxLength(ServiceHourEntry.DescriptionMax).IsRequired();
        entry.Property(e => e.Note).HasMaxLength(ServiceHourEntry.NoteMax);
        entry.HasOne<MentorshipProgram>().WithMany().HasForeignKey(e => e.ProgramId).OnDelete(DeleteBehavior.Cascade);
        entry.HasOne<TandemUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        // One line per person and source: a meeting held is proposed once, whoever checks in first.
        entry.HasIndex(e => new { e.UserId, e.Source, e.SourceId }).IsUnique();
        entry.HasIndex(e => new { e.UserId, e.OccurredAt });
        // The coordinators' queue (hours to confirm) and the per-person totals read this index.
        entry.HasIndex(e => new { e.ProgramId, e.State, e.UserId });
    }
}

internal sealed class CertificateConfiguration : IEntityTypeConfiguration<Certificate>
{
    public void Configure(EntityTypeBuilder<Certificate> certificate)
    {
        certificate.ToTable("Certificates");
        certificate.HasKey(c => c.Id);
        certificate.Property(c => c.HolderName).HasMaxLength(200).IsRequired();
        certificate.Property(c => c.PublicName).HasMaxLength(200).IsRequired();
        certificate.Property(c => c.ProgramName).HasMaxLength(200).IsRequired();
        certificate.Property(c => c.OrganisationName).HasMaxLength(200).IsRequired();
        certificate.Property(c => c.Role).HasConversion<string>().HasMaxLength(16);
        certificate.Property(c => c.TrainingJson).IsRequired().HasDefaultValue("[]");
        certificate.HasOne<MentorshipProgram>().WithMany().HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
        certificate.HasOne<TandemUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        certificate.HasIndex(c => new { c.ProgramId, c.UserId }).IsUnique();
        certificate.HasIndex(c => c.UserId);
    }
}
