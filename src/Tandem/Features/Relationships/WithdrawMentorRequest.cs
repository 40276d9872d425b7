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
        if (!request.Withdraw(clock.GetUtcNow().UtcDateTime))
        {
            return new Conflict($"This request is already {request.Status} or has timed out.");
        }
        await db.SaveChangesAsync(ct);
        return (await requests.ViewsAsync(actor, db.Set<MentorRequest>().Where(r => r.Id == requestId), ct)).Single();
    }
}
