using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Meetings;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Engagement;

public sealed record ReminderRun(int Due, int Sent);

/// <summary>
/// One pass of the reminder job: works out which reminders are due from the meetings, check-ins and health
/// (so a restart recomputes them and loses none), claims each by inserting its unique key, sends the ones it
/// claimed through <see cref="Notify"/> (each person's channel choice), then marks them sent.
/// Reminders: before a meeting; after it, to log the check-in; when a pair drifts past its cadence (the pair),
/// and when it turns at risk (the program's coordinators too). Nobody whose account is disabled (erased people too) is
/// reminded or reminded about, and nobody the program may not contact (ADR 48) is reminded: they are left out before
/// a reminder is claimed, so one is sent if consent is given again while it is still due. A drifting pair with a member
/// held back is not nudged at all (ADR 96): only its coordinators are told, and why.
/// </summary>
public sealed class SendReminders(TandemDb db, EngagementHealth health, Notify notify, IProgramConsent consent, IOptions<EngagementOptions> options,
    TimeProvider clock)
{
    public static readonly string Node = $"{Environment.MachineName}/{Environment.ProcessId}";

    private sealed record Due(string Key, Guid ProgramId, NotificationMessage Message);

    public async Task<ReminderRun> RunAsync(CancellationToken ct = default)
    {
        var due = new List<Due>();
        due.AddRange(await MeetingsSoonAsync(ct));
        due.AddRange(await CheckInsDueAsync(ct));
        due.AddRange(await OverdueAsync(ct));
        if (due.Count == 0)
        {
            return new ReminderRun(0, 0);
        }

        due = await ContactableAsync(due, ct);
        if (due.Count == 0)
        {
            return new ReminderRun(0, 0);
        }
        var keys = due.Select(d => d.Key).ToList();
        var done = (await db.Set<ReminderDispatch>().Where(d => keys.Contains(d.Key) && d.SentAt != null).Select(d => d.Key).ToListAsync(ct)).ToHashSet();
        var claimed = new List<(Guid DispatchId, Due Due)>();
        foreach (var reminder in due.Where(d => !done.Contains(d.Key)))
        {
            if (await ClaimAsync(reminder, ct) is { } id)
            {
                claimed.Add((id, reminder));
            }
        }
        if (claimed.Count == 0)
        {
            return new ReminderRun(due.Count, 0);
        }
        foreach (var program in claimed.GroupBy(c => c.Due.ProgramId))
        {
            await notify.ToProgramAsync(program.Key, program.Select(c => c.Due.Message).ToList(), ct);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var ids = claimed.Select(c => c.DispatchId).ToList();
        await db.Set<ReminderDispatch>().Where(d => ids.Contains(d.Id)).ExecuteUpdateAsync(s => s.SetProperty(d => d.SentAt, now), CancellationToken.None);
        return new ReminderRun(due.Count, claimed.Count);
    }

    /// <summary>The reminders of people each program may contact (ADR 48), asked once per program.</summary>
    private async Task<List<Due>> ContactableAsync(List<Due> due, CancellationToken ct)
    {
        var kept = new List<Due>();
        foreach (var program in due.GroupBy(d => d.ProgramId))
        {
            var unconsented = await consent.UnconsentedAmongAsync(program.Key, program.Select(d => d.Message.UserId).Distinct().ToList(), ct);
            kept.AddRange(program.Where(d => !unconsented.Contains(d.Message.UserId)));
        }
        return kept;
    }

    /// <returns>The claim's id when this call owns the reminder, null when another node has (or had) it.</returns>
    private async Task<Guid?> ClaimAsync(Due reminder, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = new ReminderDispatch(reminder.Key, reminder.Message.UserId, Node, now);
        db.Set<ReminderDispatch>().Add(claim);
        try
        {
            await db.SaveChangesAsync(ct);
            return claim.Id;
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.Entry(claim).State = EntityState.Detached;
        }
        // Someone holds the key. Take it over only if it was never sent and its lease ran out.
        var stale = now - options.Value.ClaimLease;
        var existing = await db.Set<ReminderDispatch>().AsNoTracking()
            .Where(d => d.Key == reminder.Key && d.SentAt == null && d.ClaimedAt < stale)
            .Select(d => new { d.Id, d.ClaimedAt }).SingleOrDefaultAsync(ct);
        if (existing is null)
        {
            return null;
        }
        var taken = await db.Set<ReminderDispatch>()
            .Where(d => d.Id == existing.Id && d.SentAt == null && d.ClaimedAt == existing.ClaimedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedAt, now).SetProperty(d => d.ClaimedBy, Node), ct);
        return taken == 1 ? existing.Id : null;
    }

    private async Task<List<Due>> MeetingsSoonAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + options.Value.MeetingReminderLead;
        // Only an active relationship's: a paused one (consent withdrawn, say) or an ended one is not contacted through it.
        var rows = await db.Set<Meeting>()
            .Where(m => m.Status == MeetingStatus.Accepted && m.StartsAt > now && m.StartsAt <= until
                && db.Set<Relationship>().Any(r => r.Id == m.RelationshipId && r.Status == RelationshipStatus.Active))
            .Join(db.Set<RelationshipMember>(), m => m.RelationshipId, r => r.RelationshipId, (m, r) => new { m.Id, m.StartsAt, m.Mode, m.Place, m.VideoLink, m.RelationshipId, m.ProgramId, r.UserId })
            .Join(db.Users.Where(u => !u.IsDisabled), x => x.UserId, u => u.Id,
                (x, u) => new { x.Id, x.StartsAt, x.Mode, x.Place, x.VideoLink, x.RelationshipId, x.ProgramId, x.UserId, u.TimeZoneId })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var where = r.Mode == MeetingMode.Online ? $"Online: {r.VideoLink}" : $"Where: {r.Place}";
            return new Due($"meeting-soon:{r.Id}:{r.StartsAt:yyyyMMddTHHmm}:{r.UserId}", r.ProgramId, new NotificationMessage(r.UserId, NotificationKind.Reminders,
                $"Meeting on {Local(r.StartsAt, r.TimeZoneId)}",
                $"A reminder: your mentoring meeting starts {Local(r.StartsAt, r.TimeZoneId)}.\n{where}",
                $"/relationships/{r.RelationshipId}/check-ins"));
        }).ToList();
    }

    private async Task<List<Due>> CheckInsDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var settings = options.Value;
        var earliest = now - settings.CheckInReminderWindow;
        var latest = now - settings.CheckInReminderDelay;
        var rows = await db.Set<Meeting>()
            .Where(m => m.Status == MeetingStatus.Accepted && m.StartsAt >= earliest && m.StartsAt <= latest
                && db.Set<Relationship>().Any(r => r.Id == m.RelationshipId && r.Status == RelationshipStatus.Active))
            .Join(db.Set<RelationshipMember>(), m => m.RelationshipId, r => r.RelationshipId, (m, r) => new { m.Id, m.StartsAt, m.DurationMinutes, m.RelationshipId, m.ProgramId, r.UserId })
            .Where(x => !db.Set<CheckIn>().Any(c => c.MeetingId == x.Id && c.AuthorUserId == x.UserId))
            .Join(db.Users.Where(u => !u.IsDisabled), x => x.UserId, u => u.Id,
                (x, u) => new { x.Id, x.StartsAt, x.DurationMinutes, x.RelationshipId, x.ProgramId, x.UserId, u.TimeZoneId })
            .ToListAsync(ct);
        return rows
            .Where(r => r.StartsAt.AddMinutes(r.DurationMinutes) + settings.CheckInReminderDelay <= now)
            .Select(r => new Due($"check-in:{r.Id}:{r.UserId}", r.ProgramId, new NotificationMessage(r.UserId, NotificationKind.Reminders,
                "How did your meeting go?",
                $"Your meeting on {Local(r.StartsAt, r.TimeZoneId)} is over. Record whether it happened and a short check-in: topics, progress, challenges, next steps.",
                $"/relationships/{r.RelationshipId}/check-ins?meeting={r.Id}")))
            .ToList();
    }

    private async Task<List<Due>> OverdueAsync(CancellationToken ct)
    {
        var active = db.Set<Relationship>().Where(r => r.Status == RelationshipStatus.Active);
        var notOnTrack = health.Assessed(active).Where(h => h.Status != HealthStatus.OnTrack).Select(h => h.Id);
        var ids = await notOnTrack.ToListAsync(ct);
        var assessed = (await health.ForIdsAsync(ids, ct)).Where(h => h.Status != HealthStatus.OnTrack).ToList();
        if (assessed.Count == 0)
        {
            return [];
        }
        // A disabled (or erased) member is neither nudged nor named: a pair (or a group) left with fewer than two enabled members is
        // not nudged at all (its partner would be asked to meet someone who is gone), nor are its coordinators told.
        var memberIds = assessed.SelectMany(h => h.Members.Select(m => m.UserId)).Distinct().ToList();
        var disabled = (await db.Users.Where(u => memberIds.Contains(u.Id) && u.IsDisabled).Select(u => u.Id).ToListAsync(ct)).ToHashSet();
        List<HealthMember> Reachable(RelationshipHealth h) => h.Members.Where(m => !disabled.Contains(m.UserId)).ToList();
        assessed = assessed.Where(h => Reachable(h).Count >= 2).ToList();
        // A member the program may not contact (ADR 48) keeps the relationship (only a withdrawal pauses it, ADR 96) but is
        // not met through nudges: the others are nudged only while at least two members can hear of what they propose, so
        // a pair whose other member is held back (consent asked again, say) is not nudged; its coordinators still are.
        var heldBack = new HashSet<(Guid ProgramId, Guid UserId)>();
        foreach (var program in assessed.GroupBy(h => h.ProgramId))
        {
            var held = await consent.UnconsentedAmongAsync(program.Key, program.SelectMany(h => h.Members.Select(m => m.UserId)).Distinct().ToList(), ct);
            heldBack.UnionWith(held.Select(u => (program.Key, u)));
        }
        List<HealthMember> Nudgeable(RelationshipHealth h) => Reachable(h).Where(m => !heldBack.Contains((h.ProgramId, m.UserId))).ToList();
        var due = new List<Due>();
        // The members are nudged on what they may read: not the fit check's private "No" (ADR 20), so a pair at risk only
        // for that is not nudged, and the reason they read is the meetings'. The coordinators below are told all of it.
        foreach (var h in (await health.ForIdsAsync(ids, ct, forMembers: true)).Where(h => h.Status != HealthStatus.OnTrack && Nudgeable(h).Count >= 2))
        {
            // One nudge per drift episode: a new contact moves the occasion, so the next drift nudges again.
            var occasion = (h.LastContactAt ?? DateTime.MinValue).ToString("yyyyMMddTHHmm");
            foreach (var member in Nudgeable(h))
            {
                due.Add(new Due($"overdue-pair:{h.RelationshipId}:{occasion}:{member.UserId}", h.ProgramId, new NotificationMessage(member.UserId, NotificationKind.Reminders,
                    "Time to meet again",
                    $"Your mentoring {(h.Members.Count > 2 ? "group" : "pair")} has not met for a while. {h.Reason} Propose a time that suits you both.",
                    $"/relationships/{h.RelationshipId}/check-ins")));
            }
        }
        var atRisk = assessed.Where(h => h.Status == HealthStatus.AtRisk).ToList();
        if (atRisk.Count > 0)
        {
            var programIds = atRisk.Select(h => h.ProgramId).Distinct().ToList();
            var coordinators = await CoordinatorsAsync(programIds, ct);
            foreach (var h in atRisk)
            {
                var occasion = (h.LastContactAt ?? DateTime.MinValue).ToString("yyyyMMddTHHmm");
                var names = string.Join(" and ", Reachable(h).Select(m => m.DisplayName));
                var held = Reachable(h).Where(m => heldBack.Contains((h.ProgramId, m.UserId))).Select(m => m.DisplayName).ToList();
                var reminded = held.Count == 0 ? "They were reminded already."
                    : $"{string.Join(" and ", held)} cannot be contacted by the program until a consent it needs is given, so "
                        + (Nudgeable(h).Count >= 2 ? "only the others were reminded." : "nobody was reminded.");
                foreach (var coordinator in coordinators.Where(c => c.ProgramId == h.ProgramId))
                {
                    due.Add(new Due($"overdue-coordinator:{h.RelationshipId}:{occasion}:{coordinator.UserId}", h.ProgramId, new NotificationMessage(coordinator.UserId, NotificationKind.Reminders,
                        $"At risk: {names}",
                        $"{names} in {coordinator.ProgramName} are at risk. {h.Reason} {reminded}",
                        $"/programs/{h.ProgramId}/health")));
                }
            }
        }
        return due;
    }

    /// <summary>The program's own coordinators; when it has none, its organisation's coordinators.</summary>
    private async Task<List<(Guid ProgramId, string ProgramName, Guid UserId)>> CoordinatorsAsync(List<Guid> programIds, CancellationToken ct)
    {
        var own = await db.Enrolments.Where(e => programIds.Contains(e.ProgramId) && e.Role == ProgramRole.Coordinator
                && db.Users.Any(u => u.Id == e.UserId && !u.IsDisabled))
            .Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { e.ProgramId, p.Name, e.UserId }).ToListAsync(ct);
        var organisation = await db.Programs.Where(p => programIds.Contains(p.Id))
            .Join(db.OrganisationMemberships.Where(m => m.Role == OrganisationRole.Coordinator && db.Users.Any(u => u.Id == m.UserId && !u.IsDisabled)), p => p.OrganisationId, m => m.OrganisationId, (p, m) => new { ProgramId = p.Id, p.Name, m.UserId })
            .ToListAsync(ct);
        return programIds.SelectMany(id =>
        {
            var list = own.Where(o => o.ProgramId == id).Select(o => (o.ProgramId, o.Name, o.UserId)).ToList();
            return list.Count > 0 ? list : organisation.Where(o => o.ProgramId == id).Select(o => (o.ProgramId, o.Name, o.UserId)).ToList();
        }).Distinct().ToList();
    }

    private static string Local(DateTime utc, string zone)
    {
        try
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById(zone));
            return $"{local:ddd d MMM yyyy, HH:mm} ({zone})";
        }
        catch (TimeZoneNotFoundException)
        {
            return $"{utc:ddd d MMM yyyy, HH:mm} UTC";
        }
    }
}
