using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Concerns;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Reports;

/// <summary>One program's headline figures on its organisation's dashboard.</summary>
public sealed record ProgramFigures(
    Guid ProgramId,
    string Name,
    ProgramStatus Status,
    int Participants,
    int RunningRelationships,
    int Waiting,
    double? MeetingRate,
    double? Retention,
    double? SessionRating,
    int OpenConcerns,
    int ObjectivesMet,
    int ObjectivesMeasured);

/// <summary>
/// One page of an organisation's programs (<see cref="PageSize"/> a page, page <see cref="Page"/>) and how many it has
/// in all (<see cref="TotalPrograms"/>).
/// </summary>
public sealed record OrganisationDashboard(Guid OrganisationId, string OrganisationName, DateTime MeasuredAt, IReadOnlyList<ProgramFigures> Programs,
    int Page, int PageSize, int TotalPrograms)
{
    public int TotalPages => (TotalPrograms + PageSize - 1) / PageSize;

    /// <summary>"Programs 51–100 of 120", or null when one page holds them all.</summary>
    public string? Range => TotalPrograms <= PageSize ? null
        : Programs.Count == 0 ? $"No programs on page {Page}; there are {TotalPrograms}."
        : $"Programs {(Page - 1) * PageSize + 1}–{(Page - 1) * PageSize + Programs.Count} of {TotalPrograms}";
}

/// <summary>
/// Across an organisation's programs, for its coordinators: each program's participants, running relationships,
/// people waiting for a match, meeting rate, retention, session rating, open concerns (safeguarding ones are
/// left to the designated leads) and objectives met. Closed programs come last, newest first, 50 programs a page with the
/// total, so an organisation with more is told how many and can page through them (ADR 100).
/// </summary>
public sealed class GetOrganisationDashboard(TandemDb db, ConcernAccess concernAccess, MeasureObjectives objectives, TimeProvider clock)
{
    public const int PageSize = 50;

    public async Task<Outcome<OrganisationDashboard>> RunAsync(Actor actor, Guid organisationId, int page = 1, CancellationToken ct = default)
    {
        var request = PageRequest.Clamp(page, PageSize, PageSize);
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var name = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).SingleAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var all = db.Programs.Where(p => p.OrganisationId == organisationId);
        var programs = await all.Include(p => p.Objectives).AsNoTracking()
            .OrderBy(p => p.Status == ProgramStatus.Closed).ThenByDescending(p => p.CreatedAt).ThenBy(p => p.Id).Page(request).ToListAsync(ct);
        var total = await request.TotalAsync(all, programs.Count, ct);
        var ids = programs.Select(p => p.Id).ToList();
        var participants = await db.Enrolments.Where(e => ids.Contains(e.ProgramId) && e.Role != ProgramRole.Coordinator && e.Role != ProgramRole.Staff)
            .GroupBy(e => e.ProgramId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var matched = await db.Set<RelationshipMember>()
            .Join(db.Set<Relationship>().Where(r => ids.Contains(r.ProgramId) && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused)),
                m => m.RelationshipId, r => r.Id, (m, r) => new { r.ProgramId, m.UserId })
            .Distinct().GroupBy(m => m.ProgramId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        // Only the concerns the reader handles, so never one about them, named or about their pair (ADR 23, ADR 98).
        var concerns = await concernAccess.Handled(actor).Where(c => ids.Contains(c.ProgramId) && c.Category != ConcernCategory.Safeguarding
                && c.State != ConcernState.Resolved && c.State != ConcernState.Escalated)
            .GroupBy(c => c.ProgramId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        var rows = new List<ProgramFigures>();
        foreach (var program in programs)
        {
            var facts = await ProgramFacts.LoadAsync(db, program, now, ct);
            var measured = await objectives.MeasureAsync(facts, charts: false, ct);
            var people = participants.GetValueOrDefault(program.Id);
            rows.Add(new ProgramFigures(program.Id, program.Name, program.Status, people,
                facts.Relationships.Count(r => r.RunningAt(now)), Math.Max(0, people - matched.GetValueOrDefault(program.Id)),
                facts.MeetingRate(now).Value, facts.Retention(now).Value, facts.SessionRating(now).Value,
                concerns.GetValueOrDefault(program.Id), measured.Count(o => o.Met == true), measured.Count(o => o.Measure is not null)));
        }
        return new OrganisationDashboard(organisationId, name, now, rows, request.Page, request.PageSize, total);
    }

    public static Chart Chart(OrganisationDashboard d) => new("Meeting rate and retention by program", ChartKind.Bars,
        d.Programs.Select(p => p.Name.Length > 24 ? Infrastructure.Text.WholeCharacters.Within(p.Name, 23) + "…" : p.Name).ToList(),
        [
            new ChartSeries(ObjectiveMeasure.MeetingRate.Label(), d.Programs.Select(p => p.MeetingRate).ToList()),
            new ChartSeries(ObjectiveMeasure.Retention.Label(), d.Programs.Select(p => p.Retention).ToList()),
        ], "%", Min: 0, Max: 100, Format: v => $"{v:0.#}%");
}
