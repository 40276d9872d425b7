using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Privacy;

/// <summary>Who among some people is a minor (the applications know: an age under 18 given on one).</summary>
public interface IMinors
{
    Task<IReadOnlyList<Guid>> WhichAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct);
}

/// <summary>
/// Writes a read of minors' records by someone else to the audit log before the record is shown (if the entry cannot be
/// written, the read fails). A minor is a person who gave an age under 18 on an application (asked only where the
/// organisation includes minors). Reading your own record is not logged. Entries are appended from a scope of their own,
/// so nothing else the caller has pending is saved with them.
/// </summary>
public sealed class AuditLog(TandemDb db, IMinors minors, IServiceScopeFactory scopes, TimeProvider clock, ILogger<AuditLog> logger)
{
    private const int Attempts = 50;

    /// <summary>Records that <paramref name="actor"/> read <paramref name="record"/> of each minor among <paramref name="subjects"/> (others are not logged).</summary>
    public async Task RecordAsync(Actor actor, IReadOnlyCollection<Guid> subjects, AuditRecord record, Guid? recordId, Guid? programId, string purpose, CancellationToken ct)
    {
        var others = subjects.Where(s => s != actor.UserId).Distinct().ToList();
        var read = others.Count == 0 ? [] : await minors.WhichAsync(others, ct);
        if (read.Count == 0)
        {
            return;
        }
        var organisationId = programId is { } p
            ? await db.Programs.AsNoTracking().Where(x => x.Id == p).Select(x => (Guid?)x.OrganisationId).SingleOrDefaultAsync(ct)
            : null;
        await AppendAsync(actor, read, organisationId, programId, record, recordId, purpose, ct);
    }

    /// <summary>
    /// As <see cref="RecordAsync"/>, for a record of an organisation that may belong to no program (a survey without one):
    /// the entry carries the organisation, so its coordinators find it in its audit log.
    /// </summary>
    public async Task RecordInOrganisationAsync(Actor actor, IReadOnlyCollection<Guid> subjects, AuditRecord record, Guid? recordId,
        Guid organisationId, Guid? programId, string purpose, CancellationToken ct)
    {
        var others = subjects.Where(s => s != actor.UserId).Distinct().ToList();
        var read = others.Count == 0 ? [] : await minors.WhichAsync(others, ct);
        if (read.Count > 0)
        {
            await AppendAsync(actor, read, organisationId, programId, record, recordId, purpose, ct);
        }
    }

    /// <summary>
    /// Records that <paramref name="actor"/> read <paramref name="record"/> of <paramref name="subject"/>, adult or minor, themselves
    /// or not: for reads a data-protection lead must see whoever they concern (a coordinator's export of a person's data on request).
    /// </summary>
    public Task RecordForAnyoneAsync(Actor actor, Guid subject, Guid? organisationId, AuditRecord record, string purpose, CancellationToken ct) =>
        AppendAsync(actor, [subject], organisationId, null, record, null, purpose, ct);

    private async Task AppendAsync(Actor actor, IReadOnlyList<Guid> read, Guid? organisationId, Guid? programId, AuditRecord record, Guid? recordId, string purpose,
        CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<TandemDb>();
        for (var attempt = 1; ; attempt++)
        {
            var last = await log.Set<AuditEntry>().AsNoTracking().OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
            var (sequence, previous) = last is null ? (0L, AuditEntry.Genesis) : (last.Sequence, last.Hash);
            var at = clock.GetUtcNow().UtcDateTime;
            foreach (var subject in read.Order())
            {
                var entry = new AuditEntry(++sequence, at, actor.UserId, subject, organisationId, programId, record, recordId, purpose, previous);
                log.Add(entry);
                previous = entry.Hash;
            }
            try
            {
                await log.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException e) when ((e.IsUniqueViolation() || e.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 }) && attempt < Attempts)
            {
                // Someone appended entry n at the same moment: take the new end of the chain and try again.
                log.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(1, 10 * Math.Min(attempt, 10)), ct);
            }
            catch (DbUpdateException e)
            {
                logger.LogError(e, "Could not write the audit entry for {Actor} reading {Record} {RecordId}", actor.UserId, record, recordId);
                throw;
            }
        }
    }
}
