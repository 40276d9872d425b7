using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Relationships;

/// <summary>Reads self-match requests: the actor's own (as mentee or mentor).</summary>
public sealed class MentorRequests(TandemDb db)
{
    public async Task<Paged<MentorRequestView>> MineAsync(Actor actor, int page, int pageSize, bool pendingOnly, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<MentorRequest>().Where(r => r.MenteeUserId == actor.UserId || r.MentorUserId == actor.UserId);
        if (pendingOnly)
        {
            mine = mine.Where(r => r.Status == MentorRequestStatus.Pending);
        }
        var total = await mine.CountAsync(ct);
        var items = await ViewsAsync(actor, mine.OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id).Page(paging), ct);
        return paging.Of(items, total);
    }

    internal async Task<List<MentorRequestView>> ViewsAsync(Actor actor, IQueryable<MentorRequest> requests, CancellationToken ct) =>
        await requests.Select(r => new MentorRequestView(
            r.Id, r.ProgramId, db.Programs.Where(p => p.Id == r.ProgramId).Select(p => p.Name).First(),
            r.MenteeEnrolmentId, db.Users.Where(u => u.Id == r.MenteeUserId).Select(u => u.DisplayName).First(),
            r.MentorEnrolmentId, db.Users.Where(u => u.Id == r.MentorUserId).Select(u => u.DisplayName).First(),
            r.Message, r.MatchExplanation, r.Status, r.CreatedAt, r.ExpiresAt, r.DecidedAt, r.DecisionNote, r.RelationshipId,
            r.MentorUserId == actor.UserId)).ToListAsync(ct);
}
