using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Outcomes;

namespace Tandem.Features.Exports;

/// <summary>Whether retention has anonymised a program: the time of its <see cref="RetentionRun"/> (ADR 100).</summary>
public sealed class ProgramAnonymised(TandemDb db) : IProgramAnonymised
{
    public Task<DateTime?> AnonymisedAtAsync(Guid programId, CancellationToken ct) =>
        db.Set<RetentionRun>().Where(r => r.ProgramId == programId).Select(r => (DateTime?)r.At).FirstOrDefaultAsync(ct);
}
