using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Channels;

/// <summary>
/// What a channel is: the program's general channel (one, made when first needed), a coordinator's channel for an
/// audience, an interest channel people join, or a study group's channel (one per group relationship, made when first needed).
/// </summary>
public enum ChannelKind { General, Audience, Interest, StudyGroup }

/// <summary>Who an audience channel is for. Peers both mentor and are mentored, so they are in both.</summary>
public enum ChannelAudience { Everyone, Mentors, Mentees }

/// <summary>
/// A program's discussion channel (ADR 66). Always readable and moderated by the program's coordinators and staff:
/// a school cannot allow unmoderated spaces among minors, so, unlike a pair's conversation, nothing here is private from them.
/// </summary>
public sealed class DiscussionChannel
{
    public const int NameMax = 80;
    public const int DescriptionMax = 500;
    public const string GeneralKey = "general";

    /// <summary>
    /// A study group's channel name from its members' display names: their first names in order ("Study group: Ann, Bob"),
    /// cut at whole characters, or plain "Study group" when nobody is left to name (erasure renames with the rest, ADR 109).
    /// </summary>
    public static string StudyGroupName(IEnumerable<string> displayNames)
    {
        var names = string.Join(", ", displayNames.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Split(' ')[0]).Order());
        return names.Length == 0 ? "Study group" : Tandem.Infrastructure.Text.WholeCharacters.Within($"Study group: {names}", NameMax);
    }

    private DiscussionChannel() { }

    public DiscussionChannel(Guid programId, ChannelKind kind, string name, string? description, ChannelAudience audience, Guid? relationshipId,
        Guid? createdByUserId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Kind = kind;
        Name = name;
        Description = description;
        Audience = audience;
        RelationshipId = relationshipId;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
        Key = kind switch
        {
            ChannelKind.General => GeneralKey,
            ChannelKind.StudyGroup => GroupKey(relationshipId!.Value),
            _ => null,
        };
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public ChannelKind Kind { get; private set; }
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }

    /// <summary>Everyone for the general, interest and study group channels; the audience of an audience channel.</summary>
    public ChannelAudience Audience { get; private set; }

    /// <summary>The group relationship of a study group's channel.</summary>
    public Guid? RelationshipId { get; private set; }

    /// <summary>Unique within the program for the channels made when first needed, so two nodes making one at once make it once.</summary>
    public string? Key { get; private set; }

    public Guid? CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public static string GroupKey(Guid relationshipId) => $"group:{relationshipId:N}";

    /// <summary>The program roles an audience reaches.</summary>
    public static ProgramRole[] RolesOf(ChannelAudience audience) => audience switch
    {
        ChannelAudience.Mentors => [ProgramRole.Mentor, ProgramRole.Peer],
        ChannelAudience.Mentees => [ProgramRole.Mentee, ProgramRole.Peer],
        _ => [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer],
    };
}

/// <summary>
/// One person in one channel: that they joined (interest channels), and what a moderator decided about them there
/// (muted until a time, removed). A row exists only when one of these is true.
/// </summary>
public sealed class ChannelMember
{
    private ChannelMember() { }

    public ChannelMember(Guid channelId, Guid userId)
    {
        ChannelId = channelId;
        UserId = userId;
    }

    public Guid ChannelId { get; private set; }
    public Guid UserId { get; private set; }
    public DateTime? JoinedAt { get; private set; }
    public DateTime? MutedUntil { get; private set; }
    public DateTime? RemovedAt { get; private set; }

    public void Join(DateTime at) => JoinedAt ??= at;

    public void Leave() => JoinedAt = null;

    public void MuteUntil(DateTime? until) => MutedUntil = until;

    public void Remove(DateTime at) => RemovedAt = at;

    public void Restore() => RemovedAt = null;
}

/// <summary>A thread (no parent) or a reply to one (one level). Never deleted: erasure and retention empty its words.</summary>
public sealed class ChannelPost
{
    public const int BodyMax = 4000;

    private ChannelPost() { }

    public ChannelPost(Guid channelId, Guid programId, Guid authorUserId, Guid? parentPostId, string body, DateTime postedAt)
    {
        Id = Guid.CreateVersion7();
        ChannelId = channelId;
        ProgramId = programId;
        AuthorUserId = authorUserId;
        ParentPostId = parentPostId;
        Body = body;
        PostedAt = postedAt;
    }

    public Guid Id { get; private set; }
    public Guid ChannelId { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid AuthorUserId { get; private set; }
    public Guid? ParentPostId { get; private set; }

    /// <summary>Markdown, shown through SafeMarkdown (raw HTML off).</summary>
    public string Body { get; private set; } = "";
    public DateTime PostedAt { get; private set; }

    /// <summary>Set when a moderator hid the post: members read "hidden by a moderator", its author still reads their own words.</summary>
    public DateTime? HiddenAt { get; private set; }
    public Guid? HiddenByUserId { get; private set; }

    public bool Hide(Guid by, DateTime at)
    {
        if (HiddenAt is not null)
        {
            return false;
        }
        (HiddenAt, HiddenByUserId) = (at, by);
        return true;
    }

    public bool Show()
    {
        if (HiddenAt is null)
        {
            return false;
        }
        (HiddenAt, HiddenByUserId) = (null, null);
        return true;
    }
}

public enum ReportState { Open, Actioned, Dismissed }

/// <summary>A member's report of a post to the program's coordinators, with their reason.</summary>
public sealed class PostReport
{
    public const int ReasonMax = 500;

    private PostReport() { }

    public PostReport(Guid postId, Guid channelId, Guid programId, Guid reporterUserId, string reason, DateTime reportedAt)
    {
        Id = Guid.CreateVersion7();
        PostId = postId;
        ChannelId = channelId;
        ProgramId = programId;
        ReporterUserId = reporterUserId;
        Reason = reason;
        ReportedAt = reportedAt;
        State = ReportState.Open;
    }

    public Guid Id { get; private set; }
    public Guid PostId { get; private set; }
    public Guid ChannelId { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid ReporterUserId { get; private set; }
    public string Reason { get; private set; } = "";
    public DateTime ReportedAt { get; private set; }
    public ReportState State { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public Guid? DecidedByUserId { get; private set; }
}

public enum ModerationAction { HidPost, ShowedPost, Muted, Unmuted, Removed, Restored, DismissedReports }

/// <summary>One moderator's action, kept for the program's coordinators: who, what, to whom or which post, when, why.</summary>
public sealed class ModerationEntry
{
    public const int ReasonMax = 500;

    private ModerationEntry() { }

    public ModerationEntry(Guid programId, Guid channelId, Guid moderatorUserId, ModerationAction action, Guid? subjectUserId, Guid? postId,
        string reason, DateTime? until, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        ChannelId = channelId;
        ModeratorUserId = moderatorUserId;
        Action = action;
        SubjectUserId = subjectUserId;
        PostId = postId;
        Reason = reason;
        Until = until;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid ChannelId { get; private set; }
    public Guid? ModeratorUserId { get; private set; }
    public ModerationAction Action { get; private set; }
    public Guid? SubjectUserId { get; private set; }
    public Guid? PostId { get; private set; }
    public string? Reason { get; private set; }
    public DateTime? Until { get; private set; }
    public DateTime At { get; private set; }
}

internal sealed class DiscussionChannelConfiguration : IEntityTypeConfiguration<DiscussionChannel>
{
    public void Configure(EntityTypeBuilder<DiscussionChannel> channel)
    {
        channel.ToTable("DiscussionChannels");
        channel.HasKey(c => c.Id);
        channel.Property(c => c.Name).HasMaxLength(DiscussionChannel.NameMax).IsRequired();
        channel.Property(c => c.Description).HasMaxLength(DiscussionChannel.DescriptionMax);
        channel.Property(c => c.Kind).HasConversion<string>().HasMaxLength(20);
        channel.Property(c => c.Audience).HasConversion<string>().HasMaxLength(20);
        channel.Property(c => c.Key).HasMaxLength(50);
        channel.HasOne<MentorshipProgram>().WithMany().HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
        channel.HasOne<Relationship>().WithMany().HasForeignKey(c => c.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        channel.HasOne<TandemUser>().WithMany().HasForeignKey(c => c.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        // NULL keys (channels coordinators make) never collide; the general and study group channels are made once.
        channel.HasIndex(c => new { c.ProgramId, c.Key }).IsUnique();
        channel.HasIndex(c => c.RelationshipId);
    }
}

internal sealed class ChannelMemberConfiguration : IEntityTypeConfiguration<ChannelMember>
{
    public void Configure(EntityTypeBuilder<ChannelMember> member)
    {
        member.ToTable("ChannelMembers");
        member.HasKey(m => new { m.ChannelId, m.UserId });
        member.HasOne<DiscussionChannel>().WithMany().HasForeignKey(m => m.ChannelId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<TandemUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        member.HasIndex(m => m.UserId);
    }
}

internal sealed class ChannelPostConfiguration : IEntityTypeConfiguration<ChannelPost>
{
    public void Configure(EntityTypeBuilder<ChannelPost> post)
    {
        post.ToTable("ChannelPosts");
        post.HasKey(p => p.Id);
        post.Property(p => p.Body).HasMaxLength(ChannelPost.BodyMax).IsRequired();
        post.HasOne<DiscussionChannel>().WithMany().HasForeignKey(p => p.ChannelId).OnDelete(DeleteBehavior.Cascade);
        post.HasOne<TandemUser>().WithMany().HasForeignKey(p => p.AuthorUserId).OnDelete(DeleteBehavior.Cascade);
        post.HasOne<ChannelPost>().WithMany().HasForeignKey(p => p.ParentPostId).OnDelete(DeleteBehavior.Cascade);
        // A channel's threads newest first; a thread's replies in order.
        post.HasIndex(p => new { p.ChannelId, p.ParentPostId, p.PostedAt });
        post.HasIndex(p => new { p.ParentPostId, p.PostedAt });
        post.HasIndex(p => p.AuthorUserId);
        post.HasIndex(p => p.ProgramId);
    }
}

internal sealed class PostReportConfiguration : IEntityTypeConfiguration<PostReport>
{
    public void Configure(EntityTypeBuilder<PostReport> report)
    {
        report.ToTable("PostReports");
        report.HasKey(r => r.Id);
        report.Property(r => r.Reason).HasMaxLength(PostReport.ReasonMax).IsRequired();
        report.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        report.HasOne<ChannelPost>().WithMany().HasForeignKey(r => r.PostId).OnDelete(DeleteBehavior.Cascade);
        report.HasOne<TandemUser>().WithMany().HasForeignKey(r => r.ReporterUserId).OnDelete(DeleteBehavior.Cascade);
        // One report per person and post; the coordinators' list of open reports, oldest first.
        report.HasIndex(r => new { r.PostId, r.ReporterUserId }).IsUnique();
        report.HasIndex(r => new { r.ProgramId, r.State, r.ReportedAt });
    }
}

internal sealed class ModerationEntryConfiguration : IEntityTypeConfiguration<ModerationEntry>
{
    public void Configure(EntityTypeBuilder<ModerationEntry> entry)
    {
        entry.ToTable("ModerationEntries");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Action).HasConversion<string>().HasMaxLength(20);
        entry.Property(e => e.Reason).HasMaxLength(ModerationEntry.ReasonMax);
        entry.HasOne<DiscussionChannel>().WithMany().HasForeignKey(e => e.ChannelId).OnDelete(DeleteBehavior.Cascade);
        entry.HasOne<TandemUser>().WithMany().HasForeignKey(e => e.ModeratorUserId).OnDelete(DeleteBehavior.SetNull);
        entry.HasOne<TandemUser>().WithMany().HasForeignKey(e => e.SubjectUserId).OnDelete(DeleteBehavior.SetNull);
        entry.HasIndex(e => new { e.ProgramId, e.At });
    }
}
