using Microsoft.EntityFrameworkCore;
using Tandem.Data;

namespace Tandem.Features.Concerns;

/// <summary>
/// One pass of the reminder job: every concern still received (not acknowledged) two working days after it was
/// reported is claimed by setting its ReminderSentAt where it is still empty (one conditional update: of two nodes,
/// one wins), and its handlers are notified, once per concern.
/// </summary>
public sealed class RemindUnacknowledgedConcerns(TandemDb db, ConcernNotices notices, TimeProvider clock)
{
    /// <returns>The concerns this pass reminded about.</returns>
    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Set<Concern>().AsNoTracking()
            .Where(c => c.State == ConcernState.Received && c.AcknowledgeBy <= now && c.ReminderSentAt == null)
            .OrderBy(c => c.AcknowledgeBy).Take(100).ToListAsync(ct);
        var reminded = 0;
        foreach (var concern in due)
        {
            var claimed = await db.Set<Concern>()
                .Where(c => c.Id == concern.Id && c.ReminderSentAt == null && c.State == ConcernState.Received)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ReminderSentAt, now), ct);
            if (claimed == 1)
            {
                await notices.UnacknowledgedAsync(concern, ct);
                reminded++;
            }
        }
        return reminded;
    }
}
