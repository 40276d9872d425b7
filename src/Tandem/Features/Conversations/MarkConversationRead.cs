using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Conversations;

/// <summary>A member has read the conversation up to a message; read state only moves forward.</summary>
public sealed class MarkConversationRead(TandemDb db, ConversationAccess access, ConversationBroadcast broadcast, TimeProvider clock)
{
    public async Task<Outcome<ReadStateView>> RunAsync(Actor actor, Guid relationshipId, long upTo, CancellationToken ct = default)
    {
        var found = await access.ForMemberAsync(actor, relationshipId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var latest = await db.Set<Message>().Where(m => m.RelationshipId == relationshipId).MaxAsync(m => (long?)m.Number, ct) ?? 0;
        if (upTo < 1 || upTo > latest)
        {
            return Invalid.Field("upTo", latest == 0 ? "This conversation has no messages yet." : $"Messages in this conversation are numbered 1 to {latest}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var moved = false;
        for (var attempt = 1; ; attempt++)
        {
            // Only ever raised, in one conditional update: two tabs reading-then-writing could move it back (ADR 112).
            var mine = db.Set<ConversationReadState>().Where(s => s.RelationshipId == relationshipId && s.UserId == actor.UserId);
            if (await mine.AnyAsync(ct))
            {
                moved = await mine.Where(s => s.LastReadNumber < upTo)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastReadNumber, upTo).SetProperty(s => s.ReadAt, now), ct) == 1;
                break;
            }
            db.Add(new ConversationReadState(relationshipId, actor.UserId, upTo, now));
            moved = true;
            try
            {
                await db.SaveChangesAsync(ct);
                break;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt < 5)
            {
                // Two tabs created the read state at once: read it again and move it.
                db.ChangeTracker.Clear();
            }
        }
        var current = await db.Set<ConversationReadState>().AsNoTracking().Where(s => s.RelationshipId == relationshipId && s.UserId == actor.UserId)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new ReadStateView(s.UserId, u.DisplayName, s.LastReadNumber)).SingleAsync(ct);
        if (moved)
        {
            await broadcast.ReadAsync(new ReadEvent(relationshipId, actor.UserId, current.LastReadNumber));
        }
        return current;
    }
}
