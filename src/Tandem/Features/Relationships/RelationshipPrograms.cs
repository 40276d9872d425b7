using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;

namespace Tandem.Features.Relationships;

/// <summary>The programs of relationships, for the digest's consent question (ADR 102): one query.</summary>
public sealed class RelationshipPrograms(TandemDb db) : IRelationshipPrograms
{
    public async Task<IReadOnlyDictionary<Guid, Guid>> ProgramsOfAsync(IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct) =>
        await db.Set<Relationship>().AsNoTracking().Where(r => relationshipIds.Contains(r.Id))
            .Select(r => new { r.Id, r.ProgramId }).ToDictionaryAsync(r => r.Id, r => r.ProgramId, ct);
}
