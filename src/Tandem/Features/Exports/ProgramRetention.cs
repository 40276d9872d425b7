using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Features.Exports;

/// <summary>A program is anonymised once the retention job recorded its run (ADR 49): the time of that run.</summary>
public sealed class ProgramRetention(TandemDb db) : IProgramRetention
{
    public Task<DateTime?> AnonymisedAtAsync(Guid programId, CancellationToken ct) =>
        db.Set<RetentionRun>().Where(r => r.ProgramId == programId).Select(r => (DateTime?)r.At).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<Guid>> AnonymisedAmongAsync(IReadOnlyCollection<Guid> programIds, CancellationToken ct) =>
        programIds.Count == 0 ? [] : await db.Set<RetentionRun>().Where(r => programIds.Contains(r.ProgramId)).Select(r => r.ProgramId).Distinct().ToListAsync(ct);
}
