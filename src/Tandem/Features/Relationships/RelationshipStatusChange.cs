using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Relationships;

/// <summary>
/// A relationship's status changes only from the status that was read (ADR 91): each change is a conditional update of
/// the row (WHERE Status = the status read), so of two changes at the same moment one wins and the other is refused.
/// Without it a pause saved over a completion reopened a relationship whose seats were already deleted.
/// </summary>
internal static class RelationshipStatusChange
{
    public const string Raced = "The relationship changed at the same moment (someone else changed its status). Reload it and try again.";

    /// <summary>
    /// Claims the move of a loaded relationship from <paramref name="from"/> to its new status, in the caller's transaction,
    /// before the caller saves the rest of the change: false when the row no longer has the status read.
    /// </summary>
    public static async Task<bool> ClaimAsync(TandemDb db, Relationship relationship, RelationshipStatus from, CancellationToken ct)
    {
        var to = relationship.Status;
        return await db.Set<Relationship>().Where(r => r.Id == relationship.Id && r.Status == from)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, to), ct) == 1;
    }

    /// <summary>Pauses an active relationship as <see cref="Relationship.Pause"/> does, in one conditional update; false when it is no longer active.</summary>
    public static async Task<bool> PauseAsync(TandemDb db, Guid relationshipId, Guid by, DateTime at, CancellationToken ct) =>
        await db.Set<Relationship>().Where(r => r.Id == relationshipId && r.Status == RelationshipStatus.Active)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RelationshipStatus.Paused)
                .SetProperty(r => r.StatusChangedAt, at)
                .SetProperty(r => r.StatusChangedByUserId, by), ct) == 1;
}
