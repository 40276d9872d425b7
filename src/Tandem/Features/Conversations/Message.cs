using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Relationships;

namespace Tandem.Features.Conversations;

/// <summary>
/// One message in a relationship's conversation. <see cref="Number"/> counts 1, 2, 3… within the conversation (unique, so
/// two nodes writing at once cannot give two messages the same place): a reader catches up after a lost connection by
/// asking for everything after the last number it has, and never sees a message twice. An attachment's bytes live in
/// the file store under <see cref="AttachmentKey"/>, not in the row.
/// </summary>
public sealed class Message
{
    public const int BodyMax = 4000;
    public const int AttachmentNameMax = Infrastructure.Files.AttachmentPolicy.NameMax;

    private Message() { }

    public Message(Guid relationshipId, long number, Guid senderUserId, string body, DateTime sentAt, Guid? clientMessageId, MessageAttachment? attachment)
    {
        Id = Guid.CreateVersion7();
        RelationshipId = relationshipId;
        Number = number;
        SenderUserId = senderUserId;
        Body = body;
        SentAt = sentAt;
        ClientMessageId = clientMessageId;
        AttachmentName = attachment?.Name;
        AttachmentContentType = attachment?.ContentType;
        AttachmentSize = attachment?.Size;
        AttachmentKey = attachment?.Key;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public long Number { get; private set; }
    public Guid SenderUserId { get; private set; }
    public string Body { get; private set; } = "";
    public DateTime SentAt { get; private set; }

    /// <summary>The sender's own id for this message, so that sending it again after a lost answer stores it once.</summary>
    public Guid? ClientMessageId { get; private set; }

    public string? AttachmentName { get; private set; }
    public string? AttachmentContentType { get; private set; }
    public long? AttachmentSize { get; private set; }
    public string? AttachmentKey { get; private set; }
}

/// <summary>An attachment as stored: its file name and type as checked, its size, and where the bytes are.</summary>
public sealed record MessageAttachment(string Name, string ContentType, long Size, string Key);

/// <summary>How far one member has read a conversation: every message up to <see cref="LastReadNumber"/>.</summary>
public sealed class ConversationReadState
{
    private ConversationReadState() { }

    public ConversationReadState(Guid relationshipId, Guid userId, long lastReadNumber, DateTime readAt)
    {
        RelationshipId = relationshipId;
        UserId = userId;
        LastReadNumber = lastReadNumber;
        ReadAt = readAt;
    }

    public Guid RelationshipId { get; private set; }
    public Guid UserId { get; private set; }
    public long LastReadNumber { get; private set; }
    public DateTime ReadAt { get; private set; }

    /// <summary>Read state only moves forward: a late "read up to 3" after "read up to 5" changes nothing.</summary>
    public bool MoveTo(long number, DateTime at)
    {
        if (number <= LastReadNumber)
        {
            return false;
        }
        LastReadNumber = number;
        ReadAt = at;
        return true;
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> message)
    {
        message.ToTable("Messages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Body).HasMaxLength(Message.BodyMax).IsRequired();
        message.Property(m => m.AttachmentName).HasMaxLength(Message.AttachmentNameMax);
        message.Property(m => m.AttachmentContentType).HasMaxLength(100);
        message.Property(m => m.AttachmentKey).HasMaxLength(100);
        message.HasOne<Relationship>().WithMany().HasForeignKey(m => m.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        message.HasOne<TandemUser>().WithMany().HasForeignKey(m => m.SenderUserId).OnDelete(DeleteBehavior.Cascade);
        message.HasIndex(m => new { m.RelationshipId, m.Number }).IsUnique();
        // NULL client ids (messages sent without one) never collide.
        message.HasIndex(m => new { m.SenderUserId, m.ClientMessageId }).IsUnique();
    }
}

internal sealed class ConversationReadStateConfiguration : IEntityTypeConfiguration<ConversationReadState>
{
    public void Configure(EntityTypeBuilder<ConversationReadState> state)
    {
        state.ToTable("ConversationReadStates");
        state.HasKey(s => new { s.RelationshipId, s.UserId });
        state.HasOne<Relationship>().WithMany().HasForeignKey(s => s.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        state.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
