using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>A handler acknowledges a concern just received (which stops the two-working-day reminder); the reporter is told.</summary>
public sealed class AcknowledgeConcern(ConcernWorkflow workflow)
{
    public Task<Outcome<ConcernDetails>> RunAsync(Actor actor, Guid programId, Guid concernId, ConcernStepRequest request, CancellationToken ct = default) =>
        workflow.TakeAsync(actor, programId, concernId,
            (concern, now) => Task.FromResult(ConcernWorkflow.NoteTooLong(request.Note) ?? ConcernWorkflow.Refused(concern.Acknowledge(actor.UserId, now, request.Note))), ct);
}
