using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Privacy;

namespace Tandem.Features.Relationships;

/// <summary>
/// A withdrawn consent to a program pauses the person's open relationships there (ADR 48), recorded as paused by the
/// person themselves (a guardian has no account); the members are told as for any pause.
/// </summary>
public sealed class PauseOnConsentWithdrawal(TandemDb db, RelationshipNotices notices) : IConsentWithdrawalListener
{
    public async Task<int> PauseAsync(Guid userId, Guid programId, DateTime at, CancellationToken ct)
    {
        var relationships = await db.Set<Relationship>()
            .Where(r => r.ProgramId == programId && r.Status == RelationshipStatus.Active && r.Members.Any(m => m.UserId == userId))
            .ToListAsync(ct);
        var paused = relationships.Where(r => r.Pause(userId, at)).ToList();
        if (paused.Count == 0)
        {
            return 0;
        }
        await db.SaveChangesAsync(ct);
        foreach (var relationship in paused)
        {
            await notices.StatusChangedAsync(relationship.Id, RelationshipStatus.Paused, ct);
        }
        return paused.Count;
    }
}
