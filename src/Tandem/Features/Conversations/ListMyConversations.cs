using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Conversations;

/// <summary>
/// My conversations, the one with the newest message first (then the newest relationship): who each is with, the latest
/// message's first line, and how many messages from others I have not read.
/// </summary>
public sealed class ListMyConversations(TandemDb db) : IUnreadMessages
{
    public const int PreviewLength = 120;

    public async Task<Paged<ConversationSummary>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var memberOf = RelationshipAccess.MemberOf(db, actor);
        var mine = db.Set<Relationship>().Where(r => memberOf.Contains(r.Id));
        var total = await mine.CountAsync(ct);
        var rows = await mine
            .Select(r => new
            {
                r.Id, r.ProgramId, r.CreatedAt,
                ProgramName = db.Programs.Where(p => p.Id == r.ProgramId).Select(p => p.Name).First(),
                Latest = db.Set<Message>().Where(m => m.RelationshipId == r.Id).OrderByDescending(m => m.Number)
                    .Select(m => new { m.Number, m.SentAt, m.Body, m.AttachmentName, m.SenderUserId }).FirstOrDefault(),
            })
            .OrderByDescending(r => r.Latest == null ? (DateTime?)null : r.Latest.SentAt).ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Page(paging)
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var members = (await db.Set<RelationshipMember>().Where(m => ids.Contains(m.RelationshipId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, m.UserId, u.DisplayName })
            .ToListAsync(ct)).ToLookup(m => m.RelationshipId);
        var unread = await UnreadAsync(actor, ids, ct);
        var items = rows.Select(r =>
        {
            var names = members[r.Id].ToDictionary(m => m.UserId, m => m.DisplayName);
            return new ConversationSummary(
                r.Id, r.ProgramId, r.ProgramName,
                names.Where(n => n.Key != actor.UserId).Select(n => n.Value).Order().ToList(),
                r.Latest?.Number ?? 0,
                r.Latest?.SentAt,
                r.Latest is null ? null : names.GetValueOrDefault(r.Latest.SenderUserId, "A former member"),
                r.Latest is null ? null : Preview(r.Latest.Body, r.Latest.AttachmentName),
                unread.GetValueOrDefault(r.Id));
        }).ToList();
        return paging.Of(items, total);
    }

    /// <summary>Unread messages per relationship, for lists that show a count beside each relationship.</summary>
    public async Task<Dictionary<Guid, int>> UnreadAsync(Actor actor, IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct = default) =>
        relationshipIds.Count == 0
            ? []
            : await Unread(db, relationshipIds as List<Guid> ?? relationshipIds.ToList(), actor.UserId)
                .ToDictionaryAsync(r => r.RelationshipId, r => r.Count, cancellationToken: ct);

    private sealed record UnreadRow(Guid RelationshipId, int Count);

    /// <summary>Compiled once (issue 17, ADR 82): a participant's relationship list asks it on every visit.</summary>
    private static readonly Func<TandemDb, List<Guid>, Guid, IAsyncEnumerable<UnreadRow>> Unread =
        EF.CompileAsyncQuery((TandemDb db, List<Guid> relationshipIds, Guid userId) => db.Set<Message>()
            .Where(m => relationshipIds.Contains(m.RelationshipId) && m.SenderUserId != userId
                && m.Number > (db.Set<ConversationReadState>().Where(s => s.RelationshipId == m.RelationshipId && s.UserId == userId)
                    .Select(s => (long?)s.LastReadNumber).FirstOrDefault() ?? 0))
            .GroupBy(m => m.RelationshipId)
            .Select(g => new UnreadRow(g.Key, g.Count())));

    private static string Preview(string body, string? attachment)
    {
        var line = body.Split('\n', 2)[0].Trim();
        if (line.Length == 0)
        {
            return attachment is null ? "" : $"Attachment: {attachment}";
        }
        // Whole characters (ADR 126): a cut inside an emoji's surrogate pair left half of it, a broken glyph on the page.
        return line.Length <= PreviewLength ? line : Infrastructure.Text.WholeCharacters.Within(line, PreviewLength) + "…";
    }
}
