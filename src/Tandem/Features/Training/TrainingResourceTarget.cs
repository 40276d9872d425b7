using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Resources;
using Tandem.Infrastructure.Auth;

namespace Tandem.Features.Training;

/// <summary>A module as something the resource library attaches to (ADR 64): seen by its audience and by those who manage its program.</summary>
internal sealed class TrainingResourceTarget(TandemDb db, ProgramAccess programs) : IResourceTarget
{
    public ResourceTargetKind Kind => ResourceTargetKind.TrainingModule;

    public async Task<Guid?> VisibleProgramAsync(Actor actor, Guid targetId, CancellationToken ct)
    {
        var module = await db.Set<TrainingModule>().Where(m => m.Id == targetId).Select(m => new { m.ProgramId, m.Audience }).SingleOrDefaultAsync(ct);
        if (module is null)
        {
            return null;
        }
        var roles = TrainingModule.RolesOf(module.Audience);
        var sees = await db.Enrolments.AnyAsync(e => e.ProgramId == module.ProgramId && e.UserId == actor.UserId && roles.Contains(e.Role), ct)
            || await programs.Visible(actor).Where(p => p.Id == module.ProgramId).Where(programs.Manageable(actor)).AnyAsync(ct);
        return sees ? module.ProgramId : null;
    }
}
