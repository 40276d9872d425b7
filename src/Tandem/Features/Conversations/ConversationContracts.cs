using System.ComponentModel.DataAnnotations;

namespace Tandem.Features.Conversations;

/// <summary>A message as a member (or a coordinator in a safeguarding review) reads it.</summary>
public sealed record MessageView(
    Guid Id,
    Guid RelationshipId,
    long Number,
    Guid SenderUserId,
    string SenderName,
    string Body,
    DateTime SentAt,
    AttachmentView? Attachment);

/// <summary>An attachment's name, type and size, and the address members download it from.</summary>
public sealed record AttachmentView(string Name, string ContentType, long Size, string Url);

/// <summary>A member of the conversation and how far they have read it (0: nothing yet).</summary>
public sealed record ReadStateView(Guid UserId, string DisplayName, long LastReadNumber);

/// <summary>
/// A stretch of a conversation, oldest first: the newest messages, those before a number (scrolling back) or those after
/// one (catching up). <see cref="HasOlder"/> says whether anything comes before the first; <see cref="HasNewer"/> whether
/// anything comes after the last (ask again with after = the last number).
/// </summary>
public sealed record MessagePage(
    Guid RelationshipId,
    IReadOnlyList<MessageView> Items,
    bool HasOlder,
    bool HasNewer,
    long LatestNumber,
    IReadOnlyList<ReadStateView> Members,
    bool CanSend,
    string? WhyNotSend);

/// <summary>One of my conversations in a list: who it is with, the latest message, and how many I have not read.</summary>
public sealed record ConversationSummary(
    Guid RelationshipId,
    Guid ProgramId,
    string ProgramName,
    IReadOnlyList<string> With,
    long LatestNumber,
    DateTime? LatestAt,
    string? LatestSenderName,
    string? LatestPreview,
    int Unread);

/// <summary>A message to send (JSON). An attachment is sent as multipart/form-data with the fields body, clientMessageId and file.</summary>
public sealed record SendMessageRequest
{
    [StringLength(Message.BodyMax)]
    public string? Body { get; init; }

    /// <summary>Your own id for this message: sending again with the same id (after a lost answer) stores it once.</summary>
    public Guid? ClientMessageId { get; init; }
}

public sealed record MarkReadRequest
{
    /// <summary>The number of the last message read.</summary>
    [Range(1, long.MaxValue)]
    public long UpTo { get; init; }
}

public sealed record ReviewConversationRequest
{
    /// <summary>Why a coordinator reads this conversation: recorded in the audit log, which the minor, their parent or guardian and the data-protection lead can read.</summary>
    [Required, StringLength(ReviewConversation.ReasonMax, MinimumLength = ReviewConversation.ReasonMin)]
    public string Reason { get; init; } = "";

    /// <summary>Messages before this number (scrolling back); the newest when absent.</summary>
    public long? Before { get; init; }
}

