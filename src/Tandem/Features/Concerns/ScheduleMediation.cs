using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>
/// A handler schedules a mediation meeting with a neutral third party: a coordinator or staff member of the program
/// (or a coordinator of its organisation) who is neither the reporter nor the person the concern is about (ADR 23).
/// Scheduling again moves the meeting. The mediator is told when, not what.
/// </summary>
public sealed class ScheduleMediation(ConcernWorkflow workflow, ConcernAccess access, ConcernNotices notices)
{
    public async Task<Outcome<ConcernDetails>> RunAsync(Actor actor, Guid programId, Guid concernId, ScheduleMediationRequest request, CancellationToken ct = default)
    {
        Concern? scheduled = null;
        var outcome = await workflow.TakeAsync(actor, programId, concernId, async (concern, now) =>
        {
            if (ConcernWorkflow.NoteTooLong(request.Note) is { } tooLong)
            {
                return tooLong;
            }
            var mediators = await access.MediatorsAsync(concern, ct);
            if (mediators.All(m => m.UserId != request.MediatorUserId))
            {
                return Invalid.Field("mediatorUserId", "The mediator is a coordinator or staff member of the program who is neither the reporter nor the person the concern is about.");
            }
            if (request.StartsAt!.Value.ToUniversalTime() <= now)
            {
                return Invalid.Field("startsAt", "A mediation meeting is scheduled in the future.");
            }
            scheduled = concern;
            return ConcernWorkflow.Refused(concern.ScheduleMediation(actor.UserId, request.MediatorUserId!.Value,
                DateTime.SpecifyKind(request.StartsAt.Value.ToUniversalTime(), DateTimeKind.Utc), now, request.Note));
        }, ct);
        if (outcome.Succeeded && scheduled is not null)
        {
            await notices.MediatorAsync(scheduled, ct);
        }
        return outcome;
    }
}
