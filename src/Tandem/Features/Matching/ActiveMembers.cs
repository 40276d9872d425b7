using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;

namespace Tandem.Features.Matching;

/// <summary>
/// How many seats each enrolment of a program holds in open (active or paused) relationships: a mentor's count
/// uses up capacity, anyone else with a seat is already matched and leaves the pool.
/// </summary>
public static class ActiveMembers
{
    public static async Task<Dictionary<Guid, int>> LoadAsync(TandemDb db, Guid programId, CancellationToken ct) =>
        await db.Set<RelationshipSeat>()
            .Where(s => db.Enrolments.Any(e => e.Id == s.EnrolmentId && e.ProgramId == programId))
            .GroupBy(s => s.EnrolmentId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);
}
