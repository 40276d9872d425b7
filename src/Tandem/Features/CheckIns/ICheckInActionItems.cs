using Tandem.Infrastructure.Problems;

namespace Tandem.Features.CheckIns;

/// <summary>
/// What a check-in may tick off besides its log: the pair's action items it names as done (issue 13, ADR 59). Implemented
/// by Goals, so that check-ins need not know how goals are kept; called inside the check-in's transaction.
/// </summary>
public interface ICheckInActionItems
{
    /// <summary>Marks these action items of the relationship done; a failure (an id not of this pair) leaves everything unchanged.</summary>
    Task<Failure?> CompleteAsync(Guid relationshipId, IReadOnlyCollection<Guid> actionItemIds, DateTime at, CancellationToken ct);
}
