using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Engagement;

public enum HealthStatus { AtRisk, Drifting, OnTrack }

public sealed record HealthMember(Guid UserId, string DisplayName, ProgramRole Role);

public sealed record RelationshipHealth(
    Guid RelationshipId,
    Guid ProgramId,
    RelationshipStatus RelationshipStatus,
    IReadOnlyList<HealthMember> Members,
    Cadence Cadence,
    int MeetingsHeld,
    int MeetingsExpected,
    int CheckInsLogged,
    DateTime? LastContactAt,
    DateTime? NextMeetingAt,
    int DaysWithoutContact,
    HealthStatus Status,
    string Reason)
{
    /// <summary>
    /// The program's events its members were marked as attending (distinct events, ADR 62): a positive sign of engagement
    /// shown beside the status, which it does not change (a workshop is not a meeting of the pair).
    /// </summary>
    public int EventsAttended { get; init; }
}

/// <summary>A relationship's health status as the database works it out (<see cref="EngagementHealth.Assessed"/>), for ordering, counting and paging.</summary>
/// <remarks>A class set by its properties, not a positional record: EF Core translates grouping and ordering by a member it sets.</remarks>
public sealed class AssessedPair
{
    public Guid Id { get; init; }
    public Guid ProgramId { get; init; }
    public HealthStatus Status { get; init; }
    public DateTime QuietSince { get; init; }
}

/// <summary>
/// Engagement health for the open relationships of programs: meetings held (a check-in saying the meeting happened,
/// or a logged contact) against the program's cadence, check-ins, last contact, and a status with its reason.
/// The counts are kept on each relationship (ADR 46), so the status is worked out in the query from one row per pair
/// (<see cref="Assessed"/>: for counting, ordering and paging a whole program) and the details are read for the
/// pairs shown (<see cref="ForIdsAsync"/>), never by recounting check-ins.
/// </summary>
public sealed class EngagementHealth(TandemDb db, IOptions<EngagementOptions> options, TimeProvider clock)
{
    /// <summary>
    /// The open relationships of the query with their status, computed by the database with the same rule as
    /// <see cref="Assess"/>: each threshold is an instant or a day number sent as a parameter, so the query reads
    /// the relationships' own columns only (the IX_Relationships_Health index).
    /// </summary>
    public IQueryable<AssessedPair> Assessed(IQueryable<Relationship> relationships)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var todayNumber = today.DayNumber;
        var share = settings.MinimumMeetingShare;
        // Quiet for longer than the cadence allows: the instant before which the last contact (or the start) is too old.
        var weeklyAtRisk = now.AddDays(-EngagementOptions.CadenceDays(Cadence.Weekly) * settings.AtRiskAfterCadences);
        var fortnightlyAtRisk = now.AddDays(-EngagementOptions.CadenceDays(Cadence.Fortnightly) * settings.AtRiskAfterCadences);
        var monthlyAtRisk = now.AddDays(-EngagementOptions.CadenceDays(Cadence.Monthly) * settings.AtRiskAfterCadences);
        var weeklyDrifting = now.AddDays(-EngagementOptions.CadenceDays(Cadence.Weekly) * settings.DriftingAfterCadences);
        var fortnightlyDrifting = now.AddDays(-EngagementOptions.CadenceDays(Cadence.Fortnightly) * settings.DriftingAfterCadences);
        var monthlyDrifting = now.AddDays(-EngagementOptions.CadenceDays(Cadence.Monthly) * settings.DriftingAfterCadences);
        return relationships
            .Where(r => r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused)
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => new
            {
                r.Id, r.ProgramId, r.Status, r.StartsOn, r.PoorFitFlaggedAt, r.QuietSince, r.MeetingsHeld,
                CadenceDays = p.Cadence == Cadence.Weekly ? 7 : p.Cadence == Cadence.Fortnightly ? 14 : 30,
                AtRiskBefore = p.Cadence == Cadence.Weekly ? weeklyAtRisk : p.Cadence == Cadence.Fortnightly ? fortnightlyAtRisk : monthlyAtRisk,
                DriftingBefore = p.Cadence == Cadence.Weekly ? weeklyDrifting : p.Cadence == Cadence.Fortnightly ? fortnightlyDrifting : monthlyDrifting,
            })
            .Select(r => new AssessedPair
            {
                Id = r.Id,
                ProgramId = r.ProgramId,
                Status = r.Status == RelationshipStatus.Paused ? HealthStatus.OnTrack
                    : r.StartsOn > today ? HealthStatus.OnTrack
                    : r.PoorFitFlaggedAt != null ? HealthStatus.AtRisk
                    : r.QuietSince < r.AtRiskBefore ? HealthStatus.AtRisk
                    : r.QuietSince < r.DriftingBefore ? HealthStatus.Drifting
                    : (todayNumber - r.StartsOn.DayNumber) / r.CadenceDays >= 2
                        && r.MeetingsHeld < (todayNumber - r.StartsOn.DayNumber) / r.CadenceDays * share ? HealthStatus.Drifting
                    : HealthStatus.OnTrack,
                QuietSince = r.QuietSince,
            });
    }

    /// <summary>Health with its details for the open relationships among the ids given: meant for the ones shown (a page, one pair).</summary>
    /// <remarks>
    /// Two statements, compiled once (issue 17, ADR 67: every view of the coordinators' engagement page and API runs
    /// them): each pair's row with its next accepted meeting and the events its members attended as scalar subqueries,
    /// then the members of the pairs read. The members are not a collection of the first query: SQLite would
    /// materialise every member of the installation for its join (10 ms on a school of 5,000).
    /// </remarks>
    /// <param name="forMembers">Assessed as the pair's own members may read it: without the fit check's flag, which says a
    /// member privately answered "No" (ADR 20); a pair at risk only for that is on track to them.</param>
    public async Task<List<RelationshipHealth>> ForIdsAsync(List<Guid> ids, CancellationToken ct, bool forMembers = false)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await PageRows(db, ids, now).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }
        if (forMembers)
        {
            rows = rows.Select(r => r with { PoorFitFlaggedAt = null }).ToList();
        }
        var members = await PageMembers(db, rows.Select(r => r.Id).ToList()).ToListAsync(ct);
        return Assembled(rows, members, now);
    }

    private sealed record HealthRow(Guid Id, Guid ProgramId, RelationshipStatus Status, DateOnly StartsOn, DateTime? PoorFitFlaggedAt,
        Cadence Cadence, int MeetingsHeld, int CheckInsLogged, DateTime? LastContactAt, DateTime? NextMeetingAt, int EventsAttended);

    private sealed record HealthMemberRow(Guid RelationshipId, Guid UserId, string DisplayName, ProgramRole Role);

    /// <summary>The row query of <see cref="ForIdsAsync"/>: open relationships given by id.</summary>
    private static readonly Func<TandemDb, List<Guid>, DateTime, IAsyncEnumerable<HealthRow>> PageRows =
        EF.CompileAsyncQuery((TandemDb db, List<Guid> ids, DateTime now) => db.Set<Relationship>()
            .Where(r => ids.Contains(r.Id) && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused))
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => new HealthRow(
                r.Id, r.ProgramId, r.Status, r.StartsOn, r.PoorFitFlaggedAt, p.Cadence, r.MeetingsHeld, r.CheckInsLogged, r.LastContactAt,
                db.Set<Meeting>().Where(m => m.RelationshipId == r.Id && m.Status == MeetingStatus.Accepted && m.StartsAt > now)
                    .Min(m => (DateTime?)m.StartsAt),
                db.Set<RelationshipMember>().Where(m => m.RelationshipId == r.Id)
                    .Join(db.Set<EventRsvp>().Where(v => v.Attended == true), m => m.UserId, v => v.UserId, (m, v) => v.EventId)
                    .Join(db.Set<ProgramEvent>().Where(e => e.ProgramId == r.ProgramId), id => id, e => e.Id, (id, e) => e.Id)
                    .Distinct().Count())));

    private static readonly Func<TandemDb, List<Guid>, IAsyncEnumerable<HealthMemberRow>> PageMembers =
        EF.CompileAsyncQuery((TandemDb db, List<Guid> ids) => db.Set<RelationshipMember>().Where(m => ids.Contains(m.RelationshipId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new HealthMemberRow(m.RelationshipId, m.UserId, u.DisplayName, m.Role)));

    /// <summary>The rows and their members as health views: members mentors first, then by name.</summary>
    private List<RelationshipHealth> Assembled(List<HealthRow> rows, List<HealthMemberRow> members, DateTime now)
    {
        var byPair = members.OrderBy(x => x.Role == ProgramRole.Mentor ? 0 : 1).ThenBy(x => x.DisplayName)
            .ToLookup(x => x.RelationshipId, x => new HealthMember(x.UserId, x.DisplayName, x.Role));
        return rows.Select(r => Assess(r.Id, r.ProgramId, r.Status, r.StartsOn, r.PoorFitFlaggedAt, r.Cadence, byPair[r.Id].ToList(),
            r.MeetingsHeld, r.CheckInsLogged, r.LastContactAt, r.NextMeetingAt, now) with { EventsAttended = r.EventsAttended }).ToList();
    }

    /// <summary>The rule, in one place (documented in docs/decisions/ "Engagement health thresholds").</summary>
    public RelationshipHealth Assess(Guid id, Guid programId, RelationshipStatus relationshipStatus, DateOnly startsOn, DateTime? poorFitAt,
        Cadence cadence, IReadOnlyList<HealthMember> members, int held, int logged, DateTime? lastContact, DateTime? nextMeeting, DateTime now)
    {
        var settings = options.Value;
        var cadenceDays = EngagementOptions.CadenceDays(cadence);
        var start = startsOn.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var sinceStart = now - start;
        var expected = sinceStart <= TimeSpan.Zero ? 0 : (int)Math.Floor(sinceStart.TotalDays / cadenceDays);
        var reference = lastContact ?? start;
        var gap = now - reference;
        var days = Math.Max(0, (int)Math.Floor(gap.TotalDays));
        var drifting = TimeSpan.FromDays(cadenceDays * settings.DriftingAfterCadences);
        var atRisk = TimeSpan.FromDays(cadenceDays * settings.AtRiskAfterCadences);
        var cadenceName = cadence.ToString().ToLowerInvariant();
        var since = lastContact is null ? $"since the start {Counted.Of(days, "day")} ago" : $"for {Counted.Of(days, "day")}";

        (HealthStatus, string) verdict;
        if (relationshipStatus == RelationshipStatus.Paused)
        {
            verdict = (HealthStatus.OnTrack, "Paused: no meetings are expected.");
        }
        else if (sinceStart < TimeSpan.Zero)
        {
            verdict = (HealthStatus.OnTrack, $"Starts on {startsOn:d MMM yyyy}.");
        }
        else if (poorFitAt is not null)
        {
            verdict = (HealthStatus.AtRisk, "A member said the match is not a good fit.");
        }
        else if (gap > atRisk)
        {
            verdict = (HealthStatus.AtRisk, $"No meeting {since} (cadence {cadenceName}: at risk after {atRisk.TotalDays:0.#} days).");
        }
        else if (gap > drifting)
        {
            verdict = (HealthStatus.Drifting, $"No meeting {since} (cadence {cadenceName}: drifting after {drifting.TotalDays:0.#} days).");
        }
        else if (expected >= 2 && held < expected * settings.MinimumMeetingShare)
        {
            verdict = (HealthStatus.Drifting, $"{held} of {expected} expected meetings held.");
        }
        else
        {
            verdict = (HealthStatus.OnTrack, lastContact is null
                ? $"Started {Counted.Of(days, "day")} ago; first meeting due within {Counted.Of(drifting.TotalDays, "day")}."
                : expected == 0
                    ? $"{Meetings(held)} held, the first cadence period is still running; last contact {Ago(days)}."
                    : $"{held} of {expected} expected meetings held; last contact {Ago(days)}.");
        }
        return new RelationshipHealth(id, programId, relationshipStatus, members, cadence, held, expected, logged,
            lastContact, nextMeeting, days, verdict.Item1, verdict.Item2);
    }

    private static string Meetings(int held) => held == 1 ? "1 meeting" : $"{held} meetings";

    private static string Ago(int days) => days switch { 0 => "today", 1 => "yesterday", _ => $"{days} days ago" };
}
