using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Relationships;

namespace Tandem.Features.CheckIns;

/// <summary>
/// Keeps each relationship's contact counts (<see cref="Relationship.MeetingsHeld"/>, <see cref="Relationship.CheckInsLogged"/>,
/// <see cref="Relationship.LastContactAt"/>) equal to what its check-ins say, in the transaction that changes them
/// (ADR 46): every write of check-ins locks the pairs it touches, writes, then recounts those pairs alone.
/// </summary>
public static class PairContacts
{
    /// <summary>
    /// Locks the relationships' rows until the transaction ends, so that two check-ins of one pair at the same moment
    /// recount one after the other: a recount that started before the other's commit would miss it on PostgreSQL.
    /// Call inside a transaction, before writing the check-ins.
    /// </summary>
    public static Task LockAsync(TandemDb db, IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct) =>
        db.Set<Relationship>().Where(r => relationshipIds.Contains(r.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CheckInsLogged, r => r.CheckInsLogged), ct);

    /// <summary>
    /// The same recount for one pair after one check-in was written (<see cref="RecordCheckIn"/>, issue 17): the counts
    /// are worked out by the update itself (one statement where reading them and writing them took two), and of the
    /// pair's meetings only the one the check-in names can change its "checked in" mark (none for an unscheduled contact).
    /// Call it after <see cref="LockAsync"/> in the same transaction: the update's own snapshot then sees every check-in
    /// committed before the lock was granted, on PostgreSQL as on SQLite.
    /// </summary>
    /// <param name="startsOn">The pair's start, which the quiet period counts from when no contact happened yet.</param>
    public static async Task RecountAfterCheckInAsync(TandemDb db, Guid relationshipId, DateOnly startsOn, Guid? meetingId, CancellationToken ct)
    {
        var start = Relationship.StartOf(startsOn);
        await db.Set<Relationship>().Where(r => r.Id == relationshipId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.MeetingsHeld, r => db.Set<CheckIn>().Where(c => c.RelationshipId == r.Id && c.Happened).Select(c => c.MeetingId ?? c.Id).Distinct().Count())
            .SetProperty(r => r.CheckInsLogged, r => db.Set<CheckIn>().Count(c => c.RelationshipId == r.Id))
            .SetProperty(r => r.LastContactAt, r => db.Set<CheckIn>().Where(c => c.RelationshipId == r.Id && c.Happened).Max(c => (DateTime?)c.OccurredAt))
            .SetProperty(r => r.QuietSince, r => db.Set<CheckIn>().Where(c => c.RelationshipId == r.Id && c.Happened).Max(c => (DateTime?)c.OccurredAt) ?? start), ct);
        if (meetingId is { } id)
        {
            await db.Set<Meeting>().Where(m => m.Id == id && m.CheckedIn != db.Set<CheckIn>().Any(c => c.MeetingId == m.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.CheckedIn, m => db.Set<CheckIn>().Any(c => c.MeetingId == m.Id)), ct);
        }
    }

    /// <summary>The same lock for one pair (a check-in): the key compared directly, not through a list parameter.</summary>
    public static Task LockAsync(TandemDb db, Guid relationshipId, CancellationToken ct) =>
        db.Set<Relationship>().Where(r => r.Id == relationshipId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CheckInsLogged, r => r.CheckInsLogged), ct);

    /// <summary>
    /// Recounts the relationships' check-ins as saved (one pair's check-ins each, by index) and saves the counts: one
    /// query reads every pair's counts, then one update per pair writes them (a check-in touches one pair: two statements
    /// where loading, tracking and saving the rows took four).
    /// </summary>
    public static async Task RecountAsync(TandemDb db, IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct)
    {
        var counts = await db.Set<Relationship>().Where(r => relationshipIds.Contains(r.Id))
            .Select(r => new
            {
                r.Id,
                r.StartsOn,
                Logged = db.Set<CheckIn>().Count(c => c.RelationshipId == r.Id),
                Held = db.Set<CheckIn>().Where(c => c.RelationshipId == r.Id && c.Happened).Select(c => c.MeetingId ?? c.Id).Distinct().Count(),
                LastContact = db.Set<CheckIn>().Where(c => c.RelationshipId == r.Id && c.Happened).Max(c => (DateTime?)c.OccurredAt),
            })
            .ToListAsync(ct);
        foreach (var c in counts)
        {
            var quietSince = Relationship.QuietSinceOf(c.LastContact, c.StartsOn);
            await db.Set<Relationship>().Where(r => r.Id == c.Id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.MeetingsHeld, c.Held)
                .SetProperty(r => r.CheckInsLogged, c.Logged)
                .SetProperty(r => r.LastContactAt, c.LastContact)
                .SetProperty(r => r.QuietSince, quietSince), ct);
        }
        // Each meeting of these pairs is marked checked in when a check-in names it (ADR 50); only rows that change are written.
        await db.Set<Meeting>().Where(m => relationshipIds.Contains(m.RelationshipId)
                && m.CheckedIn != db.Set<CheckIn>().Any(c => c.MeetingId == m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.CheckedIn, m => db.Set<CheckIn>().Any(c => c.MeetingId == m.Id)), ct);
    }
}
