using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;

namespace Tandem.Features.Repeats;

/// <summary>
/// Where a program came from (ADR 65): a shipped template or another program it was copied from. One row per program made
/// either way; a program made from scratch has none. The source is kept as an id that goes null when the source is deleted.
/// </summary>
public sealed class ProgramOrigin
{
    public const int TemplateKeyMax = 50;

    private ProgramOrigin() { }

    private ProgramOrigin(Guid programId, Guid? sourceProgramId, string? templateKey, Guid createdByUserId, DateTime at)
    {
        ProgramId = programId;
        SourceProgramId = sourceProgramId;
        TemplateKey = templateKey;
        CreatedByUserId = createdByUserId == Guid.Empty ? null : createdByUserId;
        CreatedAt = at;
    }

    public static ProgramOrigin FromTemplate(Guid programId, string templateKey, Guid by, DateTime at) => new(programId, null, templateKey, by, at);

    public static ProgramOrigin CopyOf(Guid programId, Guid sourceProgramId, Guid by, DateTime at) => new(programId, sourceProgramId, null, by, at);

    public Guid ProgramId { get; private set; }
    public Guid? SourceProgramId { get; private set; }
    public string? TemplateKey { get; private set; }
    public Guid? CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

/// <summary>
/// A mentor of the source program invited back to its copy: one row per program and person (a unique index), so pressing
/// "Invite mentors back" again invites nobody twice. The invitation itself is Recruitment's (an e-mailed link to apply).
/// </summary>
public sealed class ReturningMentorInvitation
{
    private ReturningMentorInvitation() { }

    public ReturningMentorInvitation(Guid programId, Guid userId, Guid invitationId, Guid invitedByUserId, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        UserId = userId;
        InvitationId = invitationId;
        InvitedByUserId = invitedByUserId == Guid.Empty ? null : invitedByUserId;
        InvitedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid UserId { get; private set; }
    public Guid? InvitationId { get; private set; }
    public Guid? InvitedByUserId { get; private set; }
    public DateTime InvitedAt { get; private set; }
}

internal sealed class ProgramOriginConfiguration : IEntityTypeConfiguration<ProgramOrigin>
{
    public void Configure(EntityTypeBuilder<ProgramOrigin> origin)
    {
        origin.ToTable("ProgramOrigins");
        origin.HasKey(o => o.ProgramId);
        origin.Property(o => o.TemplateKey).HasMaxLength(ProgramOrigin.TemplateKeyMax);
        origin.HasOne<MentorshipProgram>().WithMany().HasForeignKey(o => o.ProgramId).OnDelete(DeleteBehavior.Cascade);
        origin.HasOne<MentorshipProgram>().WithMany().HasForeignKey(o => o.SourceProgramId).OnDelete(DeleteBehavior.SetNull);
        origin.HasOne<TandemUser>().WithMany().HasForeignKey(o => o.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        origin.HasIndex(o => o.SourceProgramId);
    }
}

internal sealed class ReturningMentorInvitationConfiguration : IEntityTypeConfiguration<ReturningMentorInvitation>
{
    public void Configure(EntityTypeBuilder<ReturningMentorInvitation> invited)
    {
        invited.ToTable("ReturningMentorInvitations");
        invited.HasKey(i => i.Id);
        invited.HasOne<MentorshipProgram>().WithMany().HasForeignKey(i => i.ProgramId).OnDelete(DeleteBehavior.Cascade);
        invited.HasOne<TandemUser>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
        invited.HasOne<TandemUser>().WithMany().HasForeignKey(i => i.InvitedByUserId).OnDelete(DeleteBehavior.SetNull);
        invited.HasOne<Invitation>().WithMany().HasForeignKey(i => i.InvitationId).OnDelete(DeleteBehavior.SetNull);
        // Once per person and program: the second press finds them here and skips them.
        invited.HasIndex(i => new { i.ProgramId, i.UserId }).IsUnique();
        invited.HasIndex(i => i.UserId);
    }
}
