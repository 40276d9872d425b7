using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Features.Exports;

/// <summary>A program is anonymised once the retention job recorded its run (ADR 49).</summary>
public sealed class ProgramRetention(TandemDb db) : IProgramRetention
{
    public Task<bool> IsAnonymisedAsync(Guid programId, CancellationToken ct) => db.Set<RetentionRun>().AnyAsync(r => r.ProgramId == programId, ct);
}
