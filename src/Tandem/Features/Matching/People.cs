using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Matching;

public static class People
{
    public static async Task<Dictionary<Guid, PersonRef>> LoadAsync(TandemDb db, IReadOnlyCollection<Guid> enrolmentIds, CancellationToken ct)
    {
        var ids = enrolmentIds.ToList();
        return await db.Enrolments.AsNoTracking()
            .Where(e => ids.Contains(e.Id))
            .Select(e => new PersonRef(e.Id, e.UserId, e.User!.DisplayName, e.Role))
            .ToDictionaryAsync(p => p.EnrolmentId, ct);
    }
}
