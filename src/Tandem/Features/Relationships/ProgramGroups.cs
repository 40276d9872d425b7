using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

/// <summary>Whether a program has group relationships, of any status (the split of ADR 13 would take ended ones too).</summary>
public sealed class ProgramGroups(TandemDb db) : IProgramGroups
{
    public Task<bool> AnyAsync(Guid programId, CancellationToken ct) =>
        db.Set<Relationship>().AnyAsync(r => r.ProgramId == programId && r.Kind == RelationshipKind.Group, ct);
}
