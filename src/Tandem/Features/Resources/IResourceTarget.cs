using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Resources;

/// <summary>
/// Something a resource can be attached to (a training module, a goal, an event), implemented by the feature that owns it
/// so that the resource library never reads another feature's tables (ADR 64).
/// </summary>
public interface IResourceTarget
{
    ResourceTargetKind Kind { get; }

    /// <summary>The program of the target when the actor may see it (by that feature's own rules); null otherwise, or when there is none.</summary>
    Task<Guid?> VisibleProgramAsync(Actor actor, Guid targetId, CancellationToken ct);
}
