using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.CheckIns;
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
    string Reason);

/// <summary>
/// Computes engagement health for the open relationships of programs: meetings held (a check-in saying the
/// meeting happened, or a logged contact) against the program's cadence, check-ins, last contact, and a status
/// with its reason. A handful of grouped queries for a whole program, never one per relationship.
/// </summary>
public sealed class EngagementHealth(TandemDb db, IOptions<EngagementOptions> options, TimeProvider clock)
{
    public async Task<List<RelationshipHealth>> ForAsync(IQueryable<Relationship> relationships, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var open = relationships.Where(r => r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused);
        var rows = await open
            .Join(db.Programs, r => r.ProgramId, p => p.Id, (r, p) => new { r.Id, r.ProgramId, r.Status, r.StartsOn, r.PoorFitFlaggedAt, p.Cadence })
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = open.Select(r => r.Id);
        // Every id list here is a subquery of the relationships asked about, never a list sent back: a program's pairs
        // may be more than a database takes parameters (ADR 38).
        var members = (await db.Set<RelationshipMember>().Where(m => ids.Contains(m.RelationshipId))
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, m.UserId, u.DisplayName, m.Role })
            .ToListAsync(ct))
            .OrderBy(x => x.Role == ProgramRole.Mentor ? 0 : 1).ThenBy(x => x.DisplayName)
            .ToLookup(x => x.RelationshipId, x => new HealthMember(x.UserId, x.DisplayName, x.Role));
        var checkIns = await db.Set<CheckIn>().Where(c => ids.Contains(c.RelationshipId))
            .GroupBy(c => c.RelationshipId)
            .Select(g => new
            {
                RelationshipId = g.Key,
                Logged = g.Count(),
                LastContact = g.Where(c => c.Happened).Max(c => (DateTime?)c.OccurredAt),
            })
            .ToDictionaryAsync(g => g.RelationshipId, ct);
        var heldMeetings = await MeetingsHeld.CountAsync(db, ids, ct);
        var next = await db.Set<Meeting>().Where(m => ids.Contains(m.RelationshipId) && m.Status == MeetingStatus.Accepted && m.StartsAt > now)
            .GroupBy(m => m.RelationshipId).Select(g => new { g.Key, Next = g.Min(m => m.StartsAt) })
            .ToDictionaryAsync(g => g.Key, g => (DateTime?)g.Next, ct);

        return rows.Select(r =>
        {
            var logged = checkIns.GetValueOrDefault(r.Id);
            var held = heldMeetings.GetValueOrDefault(r.Id);
            var m = members[r.Id].ToList();
            return Assess(r.Id, r.ProgramId, r.Status, r.StartsOn, r.PoorFitFlaggedAt, r.Cadence, m, held, logged?.Logged ?? 0,
                logged?.LastContact, next.GetValueOrDefault(r.Id), now);
        }).ToList();
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
