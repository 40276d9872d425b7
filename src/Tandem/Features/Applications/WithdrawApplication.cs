using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>
/// The applicant withdraws their own application while nobody has decided it (a draft or a submitted one); it leaves
/// the coordinators' queue of decidable applications. After a decision: 409 saying which decision and when.
/// </summary>
public sealed class WithdrawApplication(TandemDb db, GetMyApplication getMine, TimeProvider clock)
{
    public async Task<Outcome<MyApplicationView>> RunAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var application = await db.Set<Application>().SingleOrDefaultAsync(a => a.Id == applicationId && a.UserId == actor.UserId, ct);
        if (application is null)
        {
            return new NotFound("No application of yours has this id.");
        }
        if (ApplicationRules.DecidedProblem(application) is { } decided)
        {
            return decided;
        }
        application.Withdraw(clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            return new Conflict("Your application changed at the same moment (a coordinator may have decided it); reload to see where it stands.");
        }
        return await getMine.RunAsync(actor, applicationId, ct);
    }
}
