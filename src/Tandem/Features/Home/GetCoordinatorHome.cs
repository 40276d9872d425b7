using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Figures;
using Tandem.Features.Applications;
using Tandem.Features.Engagement;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Home;

/// <summary>
/// A coordinator's home (issue 10): per program they manage and that is not closed, the next step for its stage and
/// what needs attention now, each a count linking to the page that fixes it: applications to review, people not
/// matched yet, pairs at risk (the engagement rule) and meetings nobody has checked in about. One grouped query
/// per figure for the whole page of programs, never one per program, and the counts kept for a short while.
/// </summary>
public sealed class GetCoordinatorHome(TandemDb db, ProgramAccess access, EngagementHealth health, KeptFigures figures, IServiceProvider services, TimeProvider clock)
{
    public async Task<Paged<ProgramAttention>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var managed = db.Programs.Where(access.Manageable(actor)).Where(p => p.Status != ProgramStatus.Closed);
        var programs = await managed
            .OrderBy(p => p.Status == ProgramStatus.Running ? 0 : p.Status == ProgramStatus.Matching ? 1 : p.Status == ProgramStatus.Recruiting ? 2 : 3)
            .ThenBy(p => p.Name).ThenBy(p => p.Id)
            .Page(paging)
            .Join(db.Organisations, p => p.OrganisationId, o => o.Id, (p, o) => new { p.Id, p.Name, p.Status, Organisation = o.Name })
            .ToListAsync(ct);
        // A coordinator runs a few programs: the page read tells the total unless it is full (issue 17).
        var total = await paging.TotalAsync(managed, programs.Count, ct);
        if (programs.Count == 0)
        {
            return paging.Of<ProgramAttention>([], total);
        }
        // The counts are whole-program figures, kept for a short while per program (KeptFigures, ADR 60): the programs
        // whose counts are not kept are counted here, together, and old ones in the background (ADR 80).
        var kept = await figures.GetManyAsync<Attention>("home", programs.Select(p => p.Id).ToList(), services,
            async (scope, ids, c) => await scope.GetRequiredService<GetCoordinatorHome>().CountAsync(ids, c), ct);

        var items = programs.Select(p =>
        {
            var counts = kept.GetValueOrDefault(p.Id) ?? Attention.None;
            var attention = new List<AttentionItem>();
            if (counts.ToReview is > 0 and var review)
            {
                attention.Add(new("applications", review, $"{Counted.Of(review, "application")} to review", $"/programs/{p.Id}/applications?status=Submitted"));
            }
            if (p.Status is ProgramStatus.Matching or ProgramStatus.Running)
            {
                var count = counts.Unmatched.Sum(u => u.Count);
                if (count > 0)
                {
                    var parts = counts.Unmatched.OrderBy(u => u.Role).Select(u => Counted.Of(u.Count, u.Role.ToString().ToLowerInvariant()));
                    attention.Add(new("unmatched", count, $"{string.Join(", ", parts)} not matched yet", $"/programs/{p.Id}/matching"));
                }
            }
            if (counts.AtRisk is > 0 and var risky)
            {
                attention.Add(new("at-risk", risky, $"{Counted.Of(risky, "relationship")} at risk", $"/programs/{p.Id}/health?status=AtRisk"));
            }
            if (counts.NotLogged is > 0 and var unlogged)
            {
                attention.Add(new("not-logged", unlogged, $"{Counted.Of(unlogged, "meeting")} nobody has checked in about", $"/programs/{p.Id}/health"));
            }
            var (step, link) = p.Status switch
            {
                ProgramStatus.Draft => ("Describe the program, build both application forms, then open recruitment.", $"/programs/{p.Id}"),
                ProgramStatus.Recruiting => ("Invite people and review applications as they arrive.", $"/programs/{p.Id}/invitations"),
                ProgramStatus.Matching => ("Run matching, check the draft and publish it.", $"/programs/{p.Id}/matching"),
                _ => ("Keep pairs meeting: the engagement page shows who is drifting.", $"/programs/{p.Id}/health"),
            };
            return new ProgramAttention(p.Id, p.Name, p.Organisation, p.Status, step, link, attention);
        }).ToList();
        return paging.Of(items, total);
    }

    /// <summary>What needs attention in each of the programs, one grouped query per figure for all of them.</summary>
    private async Task<Dictionary<Guid, Attention>> CountAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return [];
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var toReview = await db.Set<Application>().Where(a => ids.Contains(a.ProgramId) && a.Status == ApplicationStatus.Submitted)
            .GroupBy(a => a.ProgramId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        // Not matched: holding no seat. An open (active or paused) relationship holds a seat for each of its members
        // and a closed one has released them (RelationshipSeat), so one probe of the seats' (EnrolmentId, Seat) key
        // per enrolment answers it, instead of joining every member of the program to its relationship.
        var unmatched = await db.Enrolments
            .Where(e => ids.Contains(e.ProgramId) && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Mentee || e.Role == ProgramRole.Peer)
                && !db.Set<RelationshipSeat>().Any(s => s.EnrolmentId == e.Id))
            .GroupBy(e => new { e.ProgramId, e.Role }).Select(g => new { g.Key.ProgramId, g.Key.Role, Count = g.Count() })
            .ToListAsync(ct);

        var atRisk = await health.Assessed(db.Set<Relationship>().Where(r => ids.Contains(r.ProgramId)))
            .Where(h => h.Status == HealthStatus.AtRisk)
            .GroupBy(h => h.ProgramId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        var notLogged = await db.Set<Meeting>()
            .Where(m => ids.Contains(m.ProgramId) && m.Status == MeetingStatus.Accepted && !m.CheckedIn && m.StartsAt <= now
                && db.Set<Relationship>().Any(r => r.Id == m.RelationshipId && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused)))
            .GroupBy(m => m.ProgramId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        return ids.ToDictionary(id => id, id => new Attention(toReview.GetValueOrDefault(id),
            unmatched.Where(u => u.ProgramId == id).Select(u => new Unmatched(u.Role, u.Count)).ToList(),
            atRisk.GetValueOrDefault(id), notLogged.GetValueOrDefault(id)));
    }

    private sealed record Unmatched(ProgramRole Role, int Count);

    /// <summary>A program's counts for its coordinators' home.</summary>
    private sealed record Attention(int ToReview, IReadOnlyList<Unmatched> Unmatched, int AtRisk, int NotLogged)
    {
        public static readonly Attention None = new(0, [], 0, 0);
    }
}
