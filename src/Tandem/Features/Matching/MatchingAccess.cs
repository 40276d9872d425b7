using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>Coordinators only: 404 when the program is not visible, 403 when visible but not managed.</summary>
public sealed class MatchingAccess(ScreeningAccess screening, TandemDb db)
{
    public async Task<Outcome<MentorshipProgram>> FindAsync(Actor actor, Guid programId, CancellationToken ct)
    {
        var found = await screening.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return await db.Programs.AsNoTracking().SingleAsync(p => p.Id == programId, ct);
    }
}
