namespace Tandem.Features.Relationships;

/// <summary>
/// Told when a coordinator completes a relationship or ends it early, after it is saved. Recognition awards its
/// "program complete" badge on completion (ADR 63) without relationships knowing of it.
/// </summary>
public interface IRelationshipEndedListener
{
    Task RelationshipEndedAsync(Guid relationshipId, Guid programId, RelationshipStatus status, CancellationToken ct);
}
