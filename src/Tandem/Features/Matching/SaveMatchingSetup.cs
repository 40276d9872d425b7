using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>Saves a program's matching setup: the same checks as <see cref="PreviewMatchingSetup"/>, then stores it.</summary>
public sealed class SaveMatchingSetup(TandemDb db, PreviewMatchingSetup preview, TimeProvider clock)
{
    public async Task<Outcome<MatchingSetupView>> RunAsync(Actor actor, Guid programId, SaveMatchingSetupRequest request, CancellationToken ct = default)
    {
        var checkedSetup = await preview.CheckAsync(actor, programId, request, ct);
        if (checkedSetup.Failure is { } failure)
        {
            return failure;
        }
        var (pool, criteria) = checkedSetup.Value!;
        var setup = await db.Set<MatchSetup>().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        if (setup is null)
        {
            setup = new MatchSetup(programId);
            db.Add(setup);
        }
        setup.Change(criteria, request.GroupSize, actor.UserId, clock.GetUtcNow().UtcDateTime, request.Goal, request.Mix);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            return new Conflict("Someone else saved this program's matching setup at the same time; reload and try again.");
        }
        return GetMatchingSetup.View(pool, criteria, request.GroupSize, isDefault: false, request.Goal, request.Mix);
    }
}
