using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>A handler closes an acknowledged concern as resolved, saying how (the note is for handlers only).</summary>
public sealed class ResolveConcern(ConcernWorkflow workflow)
{
    public Task<Outcome<ConcernDetails>> RunAsync(Actor actor, Guid programId, Guid concernId, ConcernNoteRequest request, CancellationToken ct = default) =>
        workflow.TakeAsync(actor, programId, concernId,
            (concern, now) => Task.FromResult(ConcernWorkflow.NoteTooLong(request.Note) ?? ConcernWorkflow.Refused(concern.Close(ConcernState.Resolved, actor.UserId, now, request.Note))), ct);
}
