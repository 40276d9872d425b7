using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Conversations;

/// <summary>
/// A member sends a message (text, an attachment, or both) to their relationship's conversation while it is active. It
/// gets the next number in the conversation, the sender's read state moves to it, and the followers are told. Sent again
/// with the same client id, it is stored once and the stored message is returned.
/// </summary>
public sealed class SendMessage(TandemDb db, ConversationAccess access, FileStore files, ConversationBroadcast broadcast, TimeProvider clock)
{
    private const int Attempts = 20;

    public async Task<Outcome<MessageView>> RunAsync(Actor actor, Guid relationshipId, string? body, Guid? clientMessageId, IncomingFile? file, CancellationToken ct = default)
    {
        var found = await access.ForMemberAsync(actor, relationshipId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var conversation = found.Value!;
        if (clientMessageId is { } clientId && await Existing(actor.UserId, clientId, ct) is { } again)
        {
            return again.RelationshipId == relationshipId
                ? again
                : new Conflict("This client message id was already used for a message in another conversation.");
        }
        if (!conversation.CanSend)
        {
            return new Conflict(conversation.WhyNotSend!);
        }
        var text = (body ?? "").Replace("\r\n", "\n").Trim();
        if (text.Length > Message.BodyMax)
        {
            return Invalid.Field("body", $"A message can be at most {Message.BodyMax:N0} characters; this one has {text.Length:N0}.");
        }
        if (text.Length == 0 && file is null)
        {
            return Invalid.Field("body", "Write a message or attach a file.");
        }

        CheckedAttachment? upload = null;
        if (file is not null)
        {
            var read = await AttachmentPolicy.ReadAsync(file, ct);
            if (read.Failure is { } refused)
            {
                return refused;
            }
            upload = read.Value;
        }

        var message = await StoreAsync(actor, conversation, text, clientMessageId, upload, ct);
        if (message is null)
        {
            // The same client id arrived twice at once and the other request stored it.
            return (await Existing(actor.UserId, clientMessageId!.Value, ct))!;
        }
        var view = await access.Views(db.Set<Message>().AsNoTracking().Where(m => m.Id == message.Id)).SingleAsync(ct);
        await broadcast.MessageAsync(view);
        await broadcast.ReadAsync(new ReadEvent(relationshipId, actor.UserId, view.Number));
        return view;
    }


    private Task<MessageView?> Existing(Guid senderId, Guid clientId, CancellationToken ct) =>
        access.Views(db.Set<Message>().AsNoTracking().Where(m => m.SenderUserId == senderId && m.ClientMessageId == clientId)).SingleOrDefaultAsync(ct)!;

    /// <summary>Inserts the message with the next free number (retrying when another node took it); null when its client id was stored meanwhile.</summary>
    private async Task<Message?> StoreAsync(Actor actor, ConversationContext conversation, string text, Guid? clientMessageId, CheckedAttachment? upload, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            // The file and the message in one transaction: neither is stored without the other.
            var attachment = upload is null ? null
                : new MessageAttachment(upload.Name, upload.ContentType, upload.Content.LongLength, files.Add("messages", upload.Content, now).Key);
            var next = (await db.Set<Message>().Where(m => m.RelationshipId == conversation.RelationshipId).MaxAsync(m => (long?)m.Number, ct) ?? 0) + 1;
            var message = new Message(conversation.RelationshipId, next, actor.UserId, text, now, clientMessageId, attachment);
            db.Add(message);
            var state = await db.Set<ConversationReadState>().SingleOrDefaultAsync(s => s.RelationshipId == conversation.RelationshipId && s.UserId == actor.UserId, ct);
            if (state is null)
            {
                db.Add(new ConversationReadState(conversation.RelationshipId, actor.UserId, next, now));
            }
            else
            {
                state.MoveTo(next, now);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return message;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt < Attempts)
            {
                db.ChangeTracker.Clear();
                if (clientMessageId is { } clientId && await db.Set<Message>().AnyAsync(m => m.SenderUserId == actor.UserId && m.ClientMessageId == clientId, ct))
                {
                    return null;
                }
                // Another message took this number (or the read state was created meanwhile): take the next one.
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), ct);
            }
        }
    }
}
