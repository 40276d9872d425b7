using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Concerns;

/// <summary>The concerns the caller reported, newest first: state and step dates only (ADR 23). Nobody else's, and none about them.</summary>
public sealed class ListMyConcerns(TandemDb db)
{
    public async Task<Paged<MyConcernView>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<Concern>().Where(c => c.ReporterUserId == actor.UserId);
        var total = await mine.CountAsync(ct);
        var rows = await mine.OrderByDescending(c => c.ReportedAt).ThenByDescending(c => c.Id).Page(paging)
            .Join(db.Programs, c => c.ProgramId, p => p.Id, (c, p) => new { c.Id, c.ProgramId, p.Name, c.Category, c.State, c.ReportedAt })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var steps = (await db.Set<ConcernStep>().Where(s => ids.Contains(s.ConcernId)).Select(s => new { s.ConcernId, s.Step, s.At }).ToListAsync(ct))
            .ToLookup(s => s.ConcernId);
        var items = rows.Select(r => new MyConcernView(r.Id, r.ProgramId, r.Name, r.Category, r.State, r.ReportedAt,
            steps[r.Id].OrderBy(s => s.At).ThenBy(s => s.Step).Select(s => new MyConcernStep(s.Step, s.At)).ToList())).ToList();
        return paging.Of(items, total);
    }
}
