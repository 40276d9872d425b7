using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Conversations;

/// <summary>The relationship a conversation belongs to, as its reader needs it.</summary>
public sealed record ConversationContext(Guid RelationshipId, Guid ProgramId, RelationshipStatus Status, IReadOnlyList<Guid> MemberIds)
{
    public bool CanSend => Status == RelationshipStatus.Active;

    public string? WhyNotSend => Status switch
    {
        RelationshipStatus.Active => null,
        RelationshipStatus.Paused => "This relationship is paused: its conversation can be read but not written to until it resumes.",
        _ => "This relationship has ended: its conversation is kept to read, and no new messages can be sent.",
    };
}

/// <summary>
/// Who reads a conversation: its relationship's members. Coordinators and administrators do not, except through a
/// safeguarding review (<see cref="ReviewConversation"/>); anyone else does not find it (404).
/// </summary>
public sealed class ConversationAccess(TandemDb db, RelationshipAccess relationships)
{
    public const int MaxPage = 100;

    public async Task<Outcome<ConversationContext>> ForMemberAsync(Actor actor, Guid relationshipId, CancellationToken ct)
    {
        var found = await db.Set<Relationship>().Where(r => r.Id == relationshipId)
            .Select(r => new { r.ProgramId, r.Status, Members = r.Members.Select(m => m.UserId).ToList() })
            .SingleOrDefaultAsync(ct);
        if (found is not null && found.Members.Contains(actor.UserId))
        {
            return new ConversationContext(relationshipId, found.ProgramId, found.Status, found.Members);
        }
        if (found is not null && await relationships.Readable(actor).AnyAsync(r => r.Id == relationshipId, ct))
        {
            return new Forbidden("A conversation is private to the relationship's members. Coordinators can review a conversation that includes a minor, for safeguarding, with a reason that is recorded.");
        }
        return new NotFound("No conversation with this id is visible to you.");
    }

    /// <summary>The reader's time zone (IANA id), in which the pages show when messages were sent.</summary>
    public async Task<string> ZoneOfAsync(Guid userId, CancellationToken ct = default) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.TimeZoneId).SingleOrDefaultAsync(ct) ?? "UTC";

    /// <summary>Whether the user is a member of the relationship (the live connection's check before it follows a conversation).</summary>
    public Task<bool> IsMemberAsync(Guid userId, Guid relationshipId, CancellationToken ct) =>
        db.Set<RelationshipMember>().AnyAsync(m => m.RelationshipId == relationshipId && m.UserId == userId, ct);

    /// <summary>
    /// Up to <paramref name="limit"/> messages, oldest first: those after <paramref name="after"/> when given (catching up),
    /// else those before <paramref name="before"/> (scrolling back), else the newest.
    /// </summary>
    public async Task<MessagePage> PageAsync(ConversationContext conversation, long? before, long? after, int limit, CancellationToken ct)
    {
        limit = Math.Clamp(limit, 1, MaxPage);
        var messages = db.Set<Message>().AsNoTracking().Where(m => m.RelationshipId == conversation.RelationshipId);
        var latest = await messages.MaxAsync(m => (long?)m.Number, ct) ?? 0;
        List<MessageView> items;
        if (after is { } a)
        {
            items = await Views(messages.Where(m => m.Number > a).OrderBy(m => m.Number).Take(limit)).ToListAsync(ct);
        }
        else
        {
            var upper = before ?? long.MaxValue;
            items = await Views(messages.Where(m => m.Number < upper).OrderByDescending(m => m.Number).Take(limit)).ToListAsync(ct);
            items.Reverse();
        }
        // Messages are never deleted (erasure empties them), so numbers run 1..latest without gaps.
        var hasOlder = items.Count > 0 && items[0].Number > 1;
        var hasNewer = items.Count > 0 && items[^1].Number < latest;
        var reads = await db.Set<ConversationReadState>().AsNoTracking().Where(s => s.RelationshipId == conversation.RelationshipId)
            .ToDictionaryAsync(s => s.UserId, s => s.LastReadNumber, ct);
        var memberIds = conversation.MemberIds;
        var members = (await db.Users.Where(u => memberIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct))
            .Select(u => new ReadStateView(u.Id, u.DisplayName, reads.GetValueOrDefault(u.Id)))
            .OrderBy(m => m.DisplayName).ToList();
        return new MessagePage(conversation.RelationshipId, items, hasOlder, hasNewer, latest, members, conversation.CanSend, conversation.WhyNotSend);
    }

    /// <summary>Messages with their senders' names, projected in the query.</summary>
    public IQueryable<MessageView> Views(IQueryable<Message> messages) =>
        messages.Join(db.Users, m => m.SenderUserId, u => u.Id, (m, u) => new MessageView(
            m.Id, m.RelationshipId, m.Number, m.SenderUserId, u.DisplayName, m.Body, m.SentAt,
            m.AttachmentKey == null ? null : new AttachmentView(m.AttachmentName!, m.AttachmentContentType!, m.AttachmentSize!.Value, "/api/v1/messages/" + m.Id + "/attachment")));
}
