using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

public sealed record HealthSummary(int AtRisk, int Drifting, int OnTrack);

public sealed record ProgramHealthView(Guid ProgramId, string ProgramName, Cadence Cadence, HealthSummary Summary, Paged<RelationshipHealth> Relationships);

/// <summary>The coordinator's view of a program's open relationships: at risk first, then drifting, then on track.</summary>
public sealed class GetProgramHealth(TandemDb db, ProgramAccess programs, EngagementHealth health)
{
    public async Task<Outcome<ProgramHealthView>> RunAsync(Actor actor, Guid programId, int page, int pageSize, HealthStatus? status, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var paging = PageRequest.Clamp(page, pageSize);
        // Status depends on every relationship's aggregates, so the program is assessed as a whole (grouped
        // queries) and then ordered and paged.
        var all = await health.ForAsync(db.Set<Relationship>().Where(r => r.ProgramId == programId), ct);
        var summary = new HealthSummary(all.Count(h => h.Status == HealthStatus.AtRisk), all.Count(h => h.Status == HealthStatus.Drifting), all.Count(h => h.Status == HealthStatus.OnTrack));
        var filtered = status is { } s ? all.Where(h => h.Status == s).ToList() : all;
        var items = filtered
            .OrderBy(h => h.Status).ThenByDescending(h => h.DaysWithoutContact).ThenBy(h => h.RelationshipId)
            .Page(paging).ToList();
        return new ProgramHealthView(program.Id, program.Name, program.Cadence, summary, paging.Of(items, filtered.Count));
    }
}
