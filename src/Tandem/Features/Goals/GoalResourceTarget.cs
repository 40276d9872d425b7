using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Resources;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Goals;

/// <summary>A goal as something the resource library attaches to (ADR 64): seen by whoever reads its relationship's goals (GoalAccess).</summary>
internal sealed class GoalResourceTarget(TandemDb db, GoalAccess access) : IResourceTarget
{
    public ResourceTargetKind Kind => ResourceTargetKind.Goal;

    public async Task<Guid?> VisibleProgramAsync(Actor actor, Guid targetId, CancellationToken ct)
    {
        var goal = await db.Set<Goal>().Where(g => g.Id == targetId).Select(g => new { g.RelationshipId, g.ProgramId }).SingleOrDefaultAsync(ct);
        return goal is not null && (await access.ReadAsync(actor, goal.RelationshipId, ct)).Succeeded ? goal.ProgramId : null;
    }
}
