using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>Gives the caller's place (or waitlist spot) back: answers the session's event "not going", so the first on the waitlist gets the place.</summary>
public sealed class CancelInformationSessionSignUp(TandemDb db, ProgramAccess access, RespondToEvent respond)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (!await db.Set<EventRsvp>().AnyAsync(r => r.EventId == sessionId && r.UserId == actor.UserId && r.State != RsvpState.NotGoing, ct))
        {
            return new Conflict("You are not signed up for this session.");
        }
        var answered = await respond.RunAsync(actor, sessionId, going: false, ct);
        if (answered.Failure is { } refused)
        {
            return refused is NotFound ? new NotFound(InformationSessionEvents.NoSession) : refused;
        }
        return await InformationSessionEvents.ViewAsync(db, sessionId, actor.UserId,
            await InformationSessionEvents.ManagesAsync(db, access, actor, found.Value.Item1.ProgramId, ct), ct);
    }
}
