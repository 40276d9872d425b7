using System.ComponentModel.DataAnnotations;

namespace Tandem.Features.Channels;

public sealed class CreateChannelRequest
{
    [Required, StringLength(DiscussionChannel.NameMax, MinimumLength = 1)]
    public string Name { get; set; } = "";

    [StringLength(DiscussionChannel.DescriptionMax)]
    public string? Description { get; set; }

    /// <summary>Audience (for everyone, mentors or mentees, by `audience`) or Interest (people join it). General and study group channels are made by Tandem.</summary>
    public ChannelKind Kind { get; set; } = ChannelKind.Audience;

    /// <summary>Everyone (the default), Mentors or Mentees; only for an Audience channel.</summary>
    public ChannelAudience Audience { get; set; } = ChannelAudience.Everyone;
}

public sealed class WritePostRequest
{
    /// <summary>Markdown (no HTML). Write @ and a member's name (`@Mona Tor`) to mention them: they are notified.</summary>
    [Required, StringLength(ChannelPost.BodyMax, MinimumLength = 1)]
    public string Body { get; set; } = "";
}

public sealed class ReportPostRequest
{
    [Required, StringLength(PostReport.ReasonMax, MinimumLength = 1)]
    public string Reason { get; set; } = "";
}

public sealed class HidePostRequest
{
    /// <summary>True hides the post, false shows it again.</summary>
    [Required]
    public bool? Hidden { get; set; }

    [Required, StringLength(ModerationEntry.ReasonMax, MinimumLength = 1)]
    public string Reason { get; set; } = "";
}

public sealed class MuteMemberRequest
{
    [Required]
    public Guid? UserId { get; set; }

    /// <summary>How long the member may read but not write: 1 to 2,160 hours (90 days); 0 lifts a mute.</summary>
    [Range(0, 2160)]
    public int Hours { get; set; } = 24;

    [Required, StringLength(ModerationEntry.ReasonMax, MinimumLength = 1)]
    public string Reason { get; set; } = "";
}

public sealed class RemoveMemberRequest
{
    [Required]
    public Guid? UserId { get; set; }

    /// <summary>True removes them from the channel (it is no longer found for them), false lets them back.</summary>
    public bool Removed { get; set; } = true;

    [Required, StringLength(ModerationEntry.ReasonMax, MinimumLength = 1)]
    public string Reason { get; set; } = "";
}

/// <summary>
/// A channel as the reader sees it: whether they are in it (interest channels are joined), may write (not muted, the group
/// not ended) and why not, and whether they moderate it.
/// </summary>
public sealed record ChannelView(Guid Id, Guid ProgramId, ChannelKind Kind, string Name, string? Description, ChannelAudience Audience,
    Guid? RelationshipId, bool Joined, bool CanPost, string? WhyNotPost, DateTime? MutedUntil, bool CanModerate, DateTime CreatedAt);

/// <summary>
/// A thread or a reply. A post a moderator hid has no body and <c>hidden</c> true, except for its author (who reads their own
/// words) and the moderators.
/// </summary>
public sealed record PostView(Guid Id, Guid ChannelId, Guid? ParentPostId, Guid AuthorUserId, string AuthorName, string? Body, bool Hidden,
    DateTime PostedAt, int ReplyCount, IReadOnlyList<PostView> Replies);

public sealed record ReportReceived(Guid PostId, string Message);

/// <summary>An open report for the program's coordinators: the post in full, who reported it and why.</summary>
public sealed record PostReportView(Guid Id, Guid PostId, Guid ChannelId, string ChannelName, Guid AuthorUserId, string AuthorName, string Body, bool PostHidden,
    Guid ReporterUserId, string ReporterName, string Reason, DateTime ReportedAt, ReportState State);

/// <summary>A line of the moderation log: who did what, to whom or which post, in which channel, when and why.</summary>
public sealed record ModerationEntryView(Guid Id, Guid ChannelId, string ChannelName, ModerationAction Action, string? ModeratorName,
    Guid? SubjectUserId, string? SubjectName, Guid? PostId, string? Reason, DateTime? Until, DateTime At);

/// <summary>A member's standing in a channel after a moderator's decision.</summary>
public sealed record ChannelMemberView(Guid ChannelId, Guid UserId, string DisplayName, DateTime? MutedUntil, bool Removed);
