using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Conversations;

/// <summary>A stored attachment, opened for reading, with the name and type it is served under.</summary>
public sealed record AttachmentFile(string Name, string ContentType, Stream Content);

/// <summary>An attachment, for the members of its conversation only (everyone else: 404).</summary>
public sealed class GetMessageAttachment(TandemDb db, ConversationAccess access, FileStore files)
{
    public async Task<Outcome<AttachmentFile>> RunAsync(Actor actor, Guid messageId, CancellationToken ct = default)
    {
        var message = await db.Set<Message>().AsNoTracking().Where(m => m.Id == messageId && m.AttachmentKey != null)
            .Select(m => new { m.RelationshipId, m.AttachmentName, m.AttachmentContentType, m.AttachmentKey })
            .SingleOrDefaultAsync(ct);
        if (message is null || !await access.IsMemberAsync(actor.UserId, message.RelationshipId, ct))
        {
            return new NotFound("No attachment with this id is visible to you.");
        }
        var content = await files.OpenAsync(message.AttachmentKey!, ct);
        return content is null
            ? new NotFound("This attachment's file is no longer stored.")
            : new AttachmentFile(message.AttachmentName!, message.AttachmentContentType!, content);
    }
}
