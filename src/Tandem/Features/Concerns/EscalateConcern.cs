using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>A handler closes an acknowledged concern as escalated (outside the program: the organisation, a safeguarding authority), saying to whom and why.</summary>
public sealed class EscalateConcern(ConcernWorkflow workflow)
{
    public Task<Outcome<ConcernDetails>> RunAsync(Actor actor, Guid programId, Guid concernId, ConcernNoteRequest request, CancellationToken ct = default) =>
        workflow.TakeAsync(actor, programId, concernId,
            (concern, now) => Task.FromResult(ConcernWorkflow.NoteTooLong(request.Note) ?? ConcernWorkflow.Refused(concern.Close(ConcernState.Escalated, actor.UserId, now, request.Note))), ct);
}
