using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Recognition;

namespace Tandem.Features.Training;

/// <summary>
/// The modules each participant completed in a program, for their certificates (ADR 68): titles only, in the order the
/// program lists its modules, one query joining completions to modules by the completions' (ProgramId) rows.
/// </summary>
internal sealed class CompletedTraining(TandemDb db) : ICompletedTraining
{
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<string>>> TitlesAsync(Guid programId, CancellationToken ct)
    {
        var rows = await db.Set<TrainingCompletion>().AsNoTracking().Where(c => c.ProgramId == programId && c.CompletedAt != null)
            .Join(db.Set<TrainingModule>(), c => c.ModuleId, m => m.Id, (c, m) => new { c.UserId, m.Title, m.CreatedAt, m.Id })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.UserId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<string>)g.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Title).ToList());
    }
}
