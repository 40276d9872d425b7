namespace Tandem.Features.Outcomes;

/// <summary>
/// When the retention job anonymised a program's data (ADR 49), or null while it has not: an import after that would
/// put identifiers back that no later pass removes, since retention anonymises a program once. Implemented by Exports,
/// which keeps the record of each pass, so Outcomes does not read its tables.
/// </summary>
public interface IProgramAnonymised
{
    Task<DateTime?> AnonymisedAtAsync(Guid programId, CancellationToken ct);
}
