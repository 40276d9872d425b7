using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Applications;

/// <summary>A minor is someone who gave an age under 18 on an application (asked only where the organisation includes minors).</summary>
internal sealed class ApplicantAges(TandemDb db) : Privacy.IMinors
{
    public async Task<IReadOnlyList<Guid>> WhichAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct) =>
        await db.Set<Application>().AsNoTracking()
            .Where(a => userIds.Contains(a.UserId) && a.Age != null && a.Age < 18)
            .Select(a => a.UserId).Distinct().ToListAsync(ct);
}
