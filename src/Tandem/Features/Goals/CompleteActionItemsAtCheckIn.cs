using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Goals;

/// <summary>
/// A check-in ticks off the pair's action items it names (ADR 59): all of them or, when one is not this pair's, none
/// (the check-in's transaction is then not committed either). Items already done stay as they were.
/// </summary>
public sealed class CompleteActionItemsAtCheckIn(TandemDb db) : ICheckInActionItems
{
    public async Task<Failure?> CompleteAsync(Guid relationshipId, IReadOnlyCollection<Guid> actionItemIds, DateTime at, CancellationToken ct)
    {
        var items = db.Set<ActionItem>().Where(a => actionItemIds.Contains(a.Id) && a.RelationshipId == relationshipId);
        if (await items.CountAsync(ct) != actionItemIds.Count)
        {
            return Invalid.Field(nameof(CheckInRequest.CompletedActionItemIds), "Each action item ticked off must be one of this pair's or group's.");
        }
        await items.Where(a => a.State != ActionItemState.Done)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, ActionItemState.Done).SetProperty(a => a.DoneAt, at), ct);
        return null;
    }
}
