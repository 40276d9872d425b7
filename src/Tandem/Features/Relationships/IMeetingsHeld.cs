namespace Tandem.Features.Relationships;

/// <summary>
/// How many meetings each relationship has held (a fit check opens after two). Check-ins record whether a meeting
/// happened, so CheckIns answers this (<c>CheckIns/CheckIn.cs</c>) and Relationships does not read its table.
/// </summary>
public interface IMeetingsHeld
{
    /// <summary>Per relationship, absent when none.</summary>
    Task<Dictionary<Guid, int>> CountAsync(IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct);
}
