using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Figures;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

public sealed record HealthSummary(int AtRisk, int Drifting, int OnTrack);

public sealed record ProgramHealthView(Guid ProgramId, string ProgramName, Cadence Cadence, HealthSummary Summary, Paged<RelationshipHealth> Relationships);

/// <summary>The coordinator's view of a program's open relationships: at risk first, then drifting, then on track.</summary>
/// <remarks>
/// A page is a read of its pairs (ADR 124 item 6: each pair's reason, such as "a member said the match is not a good fit",
/// its meetings and last contact): written to the audit log once per page for the minors among the members (ADR 126).
/// </remarks>
public sealed class GetProgramHealth(TandemDb db, ProgramAccess programs, EngagementHealth health, KeptFigures figures, Privacy.AuditLog audit, IServiceProvider services)
{
    public const string AuditPurpose = "Reading the program's engagement health";

    public async Task<Outcome<ProgramHealthView>> RunAsync(Actor actor, Guid programId, int page, int pageSize, HealthStatus? status, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        // "?status=7" binds as a number: it is no status, not an empty list (nor a kept figure per number asked), ADR 126.
        if (status is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field("status", "Ask for AtRisk, Drifting or OnTrack.");
        }
        var program = found.Value!;
        var paging = PageRequest.Clamp(page, pageSize);
        // The status of every open pair comes from its own row (counts kept on it, ADR 46); the database counts and
        // orders them, and only the page's pairs are read in full. The counts and the order are whole-program figures,
        // kept for a short while (KeptFigures, ADR 60); the pairs on the page are read now.
        var ordered = await figures.GetAsync("health", programId, status?.ToString() ?? "", services,
            (scope, c) => scope.GetRequiredService<GetProgramHealth>().OrderAsync(programId, status, c), ct);
        var ids = ordered.Ids.Page(paging).ToList();
        var details = (await health.ForIdsAsync(ids, ct)).ToDictionary(h => h.RelationshipId);
        var items = ids.Where(details.ContainsKey).Select(id => details[id]).ToList();
        await audit.RecordAsync(actor, items.SelectMany(h => h.Members.Select(m => m.UserId)).Distinct().ToList(), Privacy.AuditRecord.Relationship, null,
            programId, AuditPurpose, ct);
        return new ProgramHealthView(program.Id, program.Name, program.Cadence, ordered.Summary, paging.Of(items, ordered.Ids.Count));
    }

    /// <summary>The program's health counts and its open pairs (with <paramref name="status"/>, if given) in the page order.</summary>
    private async Task<OrderedPairs> OrderAsync(Guid programId, HealthStatus? status, CancellationToken ct)
    {
        var assessed = health.Assessed(db.Set<Relationship>().Where(r => r.ProgramId == programId));
        var counts = await assessed.GroupBy(h => h.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var filtered = status is { } s ? assessed.Where(h => h.Status == s) : assessed;
        var order = await filtered.OrderBy(h => h.Status).ThenBy(h => h.QuietSince).ThenBy(h => h.Id).Select(h => h.Id).ToListAsync(ct);
        return new OrderedPairs(
            new HealthSummary(counts.GetValueOrDefault(HealthStatus.AtRisk), counts.GetValueOrDefault(HealthStatus.Drifting), counts.GetValueOrDefault(HealthStatus.OnTrack)),
            order);
    }

    /// <summary>A program's health counts and its open pairs in the page order (at risk first, longest quiet first).</summary>
    private sealed record OrderedPairs(HealthSummary Summary, IReadOnlyList<Guid> Ids);
}
