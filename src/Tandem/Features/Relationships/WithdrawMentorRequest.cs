using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>The mentee withdraws their pending request.</summary>
public sealed class WithdrawMentorRequest(TandemDb db, MentorRequestViews requests, TimeProvider clock)
{
    public async Task<Outcome<MentorRequestView>> RunAsync(Actor actor, Guid requestId, CancellationToken ct = default)
    {
        var request = await db.Set<MentorRequest>().SingleOrDefaultAsync(r => r.Id == requestId && (r.MentorUserId == actor.UserId || r.MenteeUserId == actor.UserId), ct);
        if (request is null)
        {
            return new NotFound("No request with this id is visible to you.");
        }
        if (request.MenteeUserId != actor.UserId)
        {
            return new Forbidden("Only the mentee who asked withdraws a request.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        // Only from Pending, in one conditional update (ADR 112): a mentor accepting at the same moment either finds it
        // withdrawn or makes this 409, so the mentee is never told "withdrawn" of a request that made them a pair.
        if (request.Status != MentorRequestStatus.Pending || now >= request.ExpiresAt
            || !await MentorRequestClaim.ClaimAsync(db, requestId, MentorRequestStatus.Withdrawn, now, ct))
        {
            return new Conflict(await MentorRequestClaim.AlreadyAsync(db, requestId, ct));
        }
        return (await requests.ViewsAsync(actor, db.Set<MentorRequest>().Where(r => r.Id == requestId), ct)).Single();
    }
}
