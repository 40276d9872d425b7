using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;

namespace Tandem.Features.Relationships;

/// <summary>
/// Times out pending requests whose time is up. Each request is claimed with a conditional update (only a row
/// still pending changes), so two app nodes never time out, or notify about, the same request twice.
/// </summary>
public sealed class ExpireMentorRequests(TandemDb db, Notify notify, TimeProvider clock)
{
    public const int BatchSize = 200;

    public async Task<int> RunAsync(string node, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Set<MentorRequest>().AsNoTracking()
            .Where(r => r.Status == MentorRequestStatus.Pending && r.ExpiresAt <= now)
            .OrderBy(r => r.ExpiresAt).Take(BatchSize)
            .Select(r => new { r.Id, r.ProgramId, r.MenteeUserId, r.MentorUserId })
            .ToListAsync(ct);
        var expired = 0;
        foreach (var request in due)
        {
            var claimed = await db.Set<MentorRequest>()
                .Where(r => r.Id == request.Id && r.Status == MentorRequestStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, MentorRequestStatus.TimedOut)
                    .SetProperty(r => r.DecidedAt, now)
                    .SetProperty(r => r.ClaimedBy, node)
                    .SetProperty(r => r.ClaimedAt, now), ct);
            if (claimed == 1)
            {
                expired++;
                // Not to a mentee the program may no longer contact (ADR 48).
                await notify.ToProgramAsync(request.ProgramId, [new NotificationMessage(request.MenteeUserId, NotificationKind.Matches, "Your mentor request timed out",
                    "The mentor did not answer in time. You can ask another mentor.", "/my/relationships")], ct);
            }
        }
        return expired;
    }
}
