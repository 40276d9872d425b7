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

    /// <summary>Recounts the relationships' check-ins as saved (one pair's check-ins each, by index) and saves the counts.</summary>
    public static async Task RecountAsync(TandemDb db, IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct)
    {
        var logged = await db.Set<CheckIn>().Where(c => relationshipIds.Contains(c.RelationshipId))
            .GroupBy(c => c.RelationshipId)
            .Select(g => new { g.Key, Logged = g.Count(), LastContact = g.Where(c => c.Happened).Max(c => (DateTime?)c.OccurredAt) })
            .ToDictionaryAsync(g => g.Key, ct);
        var held = await MeetingsHeld.CountAsync(db, relationshipIds, ct);
        var relationships = await db.Set<Relationship>().Where(r => relationshipIds.Contains(r.Id)).ToListAsync(ct);
        foreach (var relationship in relationships)
        {
            var counts = logged.GetValueOrDefault(relationship.Id);
            relationship.RecordContacts(held.GetValueOrDefault(relationship.Id), counts?.Logged ?? 0, counts?.LastContact);
        }
        await db.SaveChangesAsync(ct);
        // Each meeting of these pairs is marked checked in when a check-in names it (ADR 50); only rows that change are written.
        await db.Set<Meeting>().Where(m => relationshipIds.Contains(m.RelationshipId)
                && m.CheckedIn != db.Set<CheckIn>().Any(c => c.MeetingId == m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.CheckedIn, m => db.Set<CheckIn>().Any(c => c.MeetingId == m.Id)), ct);
    }
}
