using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>A handler records the mediation meeting once it has taken place: its outcome is the note (handlers only).</summary>
public sealed class RecordMediation(ConcernWorkflow workflow)
{
    public Task<Outcome<ConcernDetails>> RunAsync(Actor actor, Guid programId, Guid concernId, ConcernNoteRequest request, CancellationToken ct = default) =>
        workflow.TakeAsync(actor, programId, concernId,
            (concern, now) => Task.FromResult(ConcernWorkflow.NoteTooLong(request.Note) ?? ConcernWorkflow.Refused(concern.RecordMediation(actor.UserId, now, request.Note))), ct);
}
