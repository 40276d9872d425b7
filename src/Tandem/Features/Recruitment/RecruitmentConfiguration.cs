using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;

namespace Tandem.Features.Recruitment;

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> invitation)
    {
        invitation.ToTable("Invitations");
        invitation.HasKey(i => i.Id);
        invitation.Property(i => i.Email).HasMaxLength(256).IsRequired();
        invitation.Property(i => i.NormalizedEmail).HasMaxLength(256).IsRequired();
        invitation.Property(i => i.Purpose).HasConversion<string>().HasMaxLength(20);
        invitation.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
        invitation.Property(i => i.OrganisationRole).HasConversion<string>().HasMaxLength(20);
        invitation.Property(i => i.Source).HasConversion<string>().HasMaxLength(20);
        invitation.Property(i => i.TokenHash).HasMaxLength(64).IsRequired();
        invitation.Property(i => i.FirstName).HasMaxLength(100);
        invitation.Property(i => i.LastName).HasMaxLength(100);
        invitation.Property(i => i.TimeZoneId).HasMaxLength(64);
        invitation.Property(i => i.Group).HasMaxLength(100);
        invitation.HasOne<Organisation>().WithMany().HasForeignKey(i => i.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        invitation.HasOne<MentorshipProgram>().WithMany().HasForeignKey(i => i.ProgramId).OnDelete(DeleteBehavior.Cascade);
        invitation.HasOne<TandemUser>().WithMany().HasForeignKey(i => i.InvitedByUserId).OnDelete(DeleteBehavior.SetNull);
        invitation.HasOne<TandemUser>().WithMany().HasForeignKey(i => i.AcceptedByUserId).OnDelete(DeleteBehavior.SetNull);
        invitation.HasIndex(i => i.TokenHash).IsUnique();
        invitation.HasIndex(i => new { i.ProgramId, i.NormalizedEmail });
        invitation.HasIndex(i => new { i.ProgramId, i.CreatedAt });
        invitation.HasIndex(i => new { i.OrganisationId, i.NormalizedEmail });
    }
}

internal sealed class InformationSessionConfiguration : IEntityTypeConfiguration<InformationSession>
{
    public void Configure(EntityTypeBuilder<InformationSession> session)
    {
        session.ToTable("InformationSessions");
        session.HasKey(s => s.Id);
        session.Property(s => s.Title).HasMaxLength(200).IsRequired();
        session.Property(s => s.TimeZoneId).HasMaxLength(64).IsRequired();
        session.Property(s => s.Place).HasMaxLength(300);
        session.Property(s => s.OnlineLink).HasMaxLength(500);
        session.HasOne<MentorshipProgram>().WithMany().HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
        session.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
        session.HasIndex(s => new { s.ProgramId, s.StartsAt });
    }
}

internal sealed class InformationSessionSignUpConfiguration : IEntityTypeConfiguration<InformationSessionSignUp>
{
    public void Configure(EntityTypeBuilder<InformationSessionSignUp> signUp)
    {
        signUp.ToTable("InformationSessionSignUps");
        signUp.HasKey(s => s.Id);
        signUp.HasOne<InformationSession>().WithMany().HasForeignKey(s => s.SessionId).OnDelete(DeleteBehavior.Cascade);
        signUp.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        signUp.HasIndex(s => new { s.SessionId, s.UserId }).IsUnique();
        signUp.HasIndex(s => s.UserId);
    }
}

internal sealed class RecruitmentChannelConfiguration : IEntityTypeConfiguration<RecruitmentChannel>
{
    public void Configure(EntityTypeBuilder<RecruitmentChannel> channel)
    {
        channel.ToTable("RecruitmentChannels");
        channel.HasKey(c => c.Id);
        channel.Property(c => c.Name).HasMaxLength(100).IsRequired();
        channel.Property(c => c.Code).HasMaxLength(16).IsRequired();
        channel.HasOne<MentorshipProgram>().WithMany().HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
        channel.HasOne<TandemUser>().WithMany().HasForeignKey(c => c.CreatedByUserId).OnDelete(DeleteBehavior.Restrict);
        channel.HasIndex(c => c.Code).IsUnique();
        channel.HasIndex(c => new { c.ProgramId, c.Name }).IsUnique();
    }
}
