using Tandem.Features.Resources;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Events;

/// <summary>An event as something the resource library attaches to (ADR 64): seen by its audience and the program's staff (EventAccess).</summary>
internal sealed class EventResourceTarget(EventAccess access) : IResourceTarget
{
    public ResourceTargetKind Kind => ResourceTargetKind.Event;

    public async Task<Guid?> VisibleProgramAsync(Actor actor, Guid targetId, CancellationToken ct)
    {
        var found = await access.FindAsync(actor, targetId, ct);
        return found.Succeeded ? found.Value.Event.ProgramId : null;
    }
}
