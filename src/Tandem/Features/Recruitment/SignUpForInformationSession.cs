using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// Signs the caller up for a session of a recruiting program: answers the session's event "going" (ADR 70), so a place
/// is taken under the event's row lock while one is left and the caller is waitlisted after that (ADR 62).
/// </summary>
public sealed class SignUpForInformationSession(TandemDb db, ProgramAccess access, RespondToEvent respond, TimeProvider clock)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (session, status) = found.Value;
        if (status != ProgramStatus.Recruiting)
        {
            return new Conflict("The program is not recruiting; its information sessions are closed for sign-up.");
        }
        if (session.CancelledAt is not null)
        {
            return new Conflict("This session was cancelled.");
        }
        if (session.StartsAt <= clock.GetUtcNow().UtcDateTime)
        {
            return new Conflict("This session has already started.");
        }
        if (await db.Set<EventRsvp>().AnyAsync(r => r.EventId == sessionId && r.UserId == actor.UserId && r.State != RsvpState.NotGoing, ct))
        {
            return new Conflict("You are already signed up for this session (or on its waitlist).");
        }
        var answered = await respond.RunAsync(actor, sessionId, going: true, ct);
        if (answered.Failure is { } refused)
        {
            return refused is NotFound ? new NotFound(InformationSessionEvents.NoSession) : refused;
        }
        return await InformationSessionEvents.ViewAsync(db, sessionId, actor.UserId, await InformationSessionEvents.ManagesAsync(db, access, actor, session.ProgramId, ct), ct);
    }
}
