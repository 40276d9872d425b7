namespace Tandem.Features.Notifications;

/// <summary>
/// The program of each relationship a notice links to (<c>/relationships/{id}/…</c>), so the digest can ask the consent
/// gate about a pair's notices (ADR 102). Implemented by Relationships, which Notifications may not reference (it
/// references Notifications).
/// </summary>
public interface IRelationshipPrograms
{
    /// <summary>Relationship id to program id, for those of <paramref name="relationshipIds"/> that exist.</summary>
    Task<IReadOnlyDictionary<Guid, Guid>> ProgramsOfAsync(IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct);
}
