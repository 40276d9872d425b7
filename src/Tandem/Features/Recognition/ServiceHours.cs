using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Recognition;

/// <summary>One line to propose for a person's ledger (from a meeting held today; from an event or training later).</summary>
public sealed record ServiceHourProposal(Guid ProgramId, Guid UserId, ServiceHourSource Source, Guid SourceId, DateTime OccurredAt, int Minutes, string Description);

/// <summary>
/// The service-hours ledger: lines proposed from what people did, confirmed or rejected by the program's coordinators.
/// A participant reads their own ledger and confirmed total; coordinators read the program's lines and per-person totals.
/// </summary>
public sealed class ServiceHours(TandemDb db, ProgramAccess programs, AuditLog audit, IProgramRetention retention, TimeProvider clock)
{
    /// <summary>A coordinator's note written after retention would be kept for good (ADR 108, ADR 113); the decision itself stays open.</summary>
    public const string RetainedNote = "This program's data has been anonymised after it closed, so a line is confirmed or rejected without a note.";

    /// <summary>
    /// Proposes lines; a line for the same person and source already there is left as it is (ON CONFLICT DO NOTHING on
    /// the unique index), so a meeting is counted once. Runs inside the caller's transaction. Events and training call this.
    /// </summary>
    public async Task<int> ProposeAsync(IReadOnlyCollection<ServiceHourProposal> proposals, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var added = 0;
        // Disabled accounts (an erased person's is disabled for good) get no line, as badges by rule leave them out (ADR 129):
        // a line was new personal data after erasure, shown in the coordinators' queue as "Erased person".
        var people = proposals.Select(p => p.UserId).Distinct().ToList();
        var disabled = await db.Users.Where(u => u.IsDisabled && people.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        foreach (var p in proposals.Where(p => p.Minutes > 0 && !disabled.Contains(p.UserId)))
        {
            var id = Guid.CreateVersion7();
            var source = p.Source.ToString();
            var state = nameof(ServiceHourState.Proposed);
            // Cut between characters (ADR 113): a meeting's or a module's title with an emoji across the 200th unit kept half
            // of it, which PostgreSQL refuses, and the check-in or the module's completion that proposed the line failed with it.
            var description = WholeCharacters.Within(p.Description, ServiceHourEntry.DescriptionMax);
            added += await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "ServiceHourEntries" ("Id", "ProgramId", "UserId", "Source", "SourceId", "OccurredAt", "Minutes", "Description", "State", "ProposedAt")
                VALUES ({id}, {p.ProgramId}, {p.UserId}, {source}, {p.SourceId}, {p.OccurredAt}, {p.Minutes}, {description}, {state}, {now})
                ON CONFLICT ("UserId", "Source", "SourceId") DO NOTHING
                """, ct);
        }
        return added;
    }

    public async Task<MyServiceHours> MineAsync(Actor actor, int page, int pageSize, CancellationToken ct)
    {
        var totals = await TotalsAsync(db.Set<ServiceHourEntry>().Where(e => e.UserId == actor.UserId), ct);
        var request = PageRequest.Clamp(page, pageSize);
        var query = db.Set<ServiceHourEntry>().Where(e => e.UserId == actor.UserId);
        var items = await ViewsAsync(query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Page(request), ct);
        var confirmed = totals.GetValueOrDefault(ServiceHourState.Confirmed);
        return new MyServiceHours(confirmed, Hours(confirmed), totals.GetValueOrDefault(ServiceHourState.Proposed),
            request.Of(items, await request.TotalAsync(query, items.Count, ct)));
    }

    /// <summary>
    /// The program's lines, oldest first, optionally in one state (Proposed: the hours to confirm). What minors did and the
    /// notes they were given, read by staff: the minors among the page's people get an audit entry before it is shown.
    /// </summary>
    public async Task<Outcome<Paged<ServiceHourView>>> ProgramAsync(Actor actor, Guid programId, ServiceHourState? state, int page, int pageSize, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators read its service hours.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (state is { } asked && !Enum.IsDefined(asked))
        {
            // "?state=7" binds as a state that does not exist: refused, not read as an empty ledger (ADR 122, ADR 129).
            return Invalid.Field("state", "Ask for Proposed, Confirmed or Rejected.");
        }
        var request = PageRequest.Clamp(page, pageSize);
        var query = db.Set<ServiceHourEntry>().Where(e => e.ProgramId == programId && (state == null || e.State == state));
        var items = await ViewsAsync(query.OrderBy(e => e.OccurredAt).ThenBy(e => e.Id).Page(request), ct, ascending: true);
        await audit.RecordAsync(actor, items.Select(e => e.UserId).ToList(), AuditRecord.Recognition, null, programId, "Reading the program's service hours", ct);
        return request.Of(items, await request.TotalAsync(query, items.Count, ct));
    }

    /// <summary>Per person of the program: confirmed, proposed and rejected minutes, by name (paged).</summary>
    public async Task<Outcome<Paged<PersonServiceHours>>> PeopleAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators read its service hours.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var request = PageRequest.Clamp(page, pageSize);
        var people = db.Set<ServiceHourEntry>().Where(e => e.ProgramId == programId).Select(e => e.UserId).Distinct();
        var names = await db.Users.Where(u => people.Contains(u.Id)).OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.DisplayName }).Page(request).ToListAsync(ct);
        var ids = names.Select(n => n.Id).ToList();
        var sums = await db.Set<ServiceHourEntry>().Where(e => e.ProgramId == programId && ids.Contains(e.UserId))
            .GroupBy(e => new { e.UserId, e.State }).Select(g => new { g.Key.UserId, g.Key.State, Minutes = g.Sum(e => e.Minutes) })
            .ToListAsync(ct);
        int Sum(Guid user, ServiceHourState state) => sums.Where(s => s.UserId == user && s.State == state).Sum(s => s.Minutes);
        var items = names.Select(n => new PersonServiceHours(n.Id, n.DisplayName, Sum(n.Id, ServiceHourState.Confirmed),
            Sum(n.Id, ServiceHourState.Proposed), Sum(n.Id, ServiceHourState.Rejected))).ToList();
        return request.Of(items, await request.TotalAsync(people, items.Count, ct));
    }

    public async Task<Outcome<ServiceHourView>> DecideAsync(Actor actor, Guid programId, Guid entryId, bool confirm, string? note, CancellationToken ct)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators confirm service hours.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        // Decided once (ADR 63): the update names the state it decides from, so of a confirm and a reject at the same
        // moment one changes the line and the other finds it decided (409), whichever database runs them.
        var state = confirm ? ServiceHourState.Confirmed : ServiceHourState.Rejected;
        var at = clock.GetUtcNow().UtcDateTime;
        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed is not null && await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(RetainedNote);
        }
        var changed = await db.Set<ServiceHourEntry>()
            .Where(e => e.Id == entryId && e.ProgramId == programId && e.State == ServiceHourState.Proposed)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.State, state).SetProperty(e => e.DecidedByUserId, actor.UserId)
                .SetProperty(e => e.DecidedAt, at).SetProperty(e => e.Note, trimmed), ct);
        if (changed == 0)
        {
            var now = await db.Set<ServiceHourEntry>().Where(e => e.Id == entryId && e.ProgramId == programId).Select(e => (ServiceHourState?)e.State).SingleOrDefaultAsync(ct);
            return now is { } decided
                ? new Conflict($"This line was already {decided.ToString().ToLowerInvariant()}.")
                : new NotFound("No service-hours line with this id in this program.");
        }
        return (await ViewsAsync(db.Set<ServiceHourEntry>().Where(e => e.Id == entryId), ct)).Single();
    }

    /// <summary>Confirmed minutes per person of a program (for their certificates; absent when none).</summary>
    public async Task<Dictionary<Guid, int>> ConfirmedMinutesAsync(Guid programId, CancellationToken ct) =>
        await db.Set<ServiceHourEntry>().Where(e => e.ProgramId == programId && e.State == ServiceHourState.Confirmed)
            .GroupBy(e => e.UserId).Select(g => new { g.Key, Minutes = g.Sum(e => e.Minutes) })
            .ToDictionaryAsync(g => g.Key, g => g.Minutes, ct);

    public static decimal Hours(int minutes) => Math.Round(minutes / 60m, 2);

    private async Task<Dictionary<ServiceHourState, int>> TotalsAsync(IQueryable<ServiceHourEntry> entries, CancellationToken ct) =>
        await entries.GroupBy(e => e.State).Select(g => new { g.Key, Minutes = g.Sum(e => e.Minutes) }).ToDictionaryAsync(g => g.Key, g => g.Minutes, ct);

    private async Task<List<ServiceHourView>> ViewsAsync(IQueryable<ServiceHourEntry> entries, CancellationToken ct, bool ascending = false)
    {
        var joined = entries.Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { e, ProgramName = p.Name })
            .Join(db.Users, x => x.e.UserId, u => u.Id, (x, u) => new { x.e, x.ProgramName, Person = u.DisplayName });
        var ordered = ascending ? joined.OrderBy(x => x.e.OccurredAt) : joined.OrderByDescending(x => x.e.OccurredAt);
        return await ordered.Select(x => new ServiceHourView(x.e.Id, x.e.ProgramId, x.ProgramName, x.e.UserId, x.Person, x.e.Source, x.e.SourceId,
            x.e.Description, x.e.OccurredAt, x.e.Minutes, x.e.State, x.e.DecidedAt, x.e.Note)).ToListAsync(ct);
    }
}
