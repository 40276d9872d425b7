using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

internal static class SessionLookup
{
    /// <summary>An information-session event of a recruiting program (anyone signed in) or of a program the actor sees.</summary>
    public static async Task<Outcome<(ProgramEvent, ProgramStatus)>> FindAsync(TandemDb db, ProgramAccess access, Actor actor, Guid sessionId, CancellationToken ct)
    {
        var found = await InformationSessionEvents.All(db).Where(s => s.Id == sessionId)
            .Join(db.Programs, s => s.ProgramId, p => p.Id, (s, p) => new { Session = s, p.Status })
            .AsNoTracking().SingleOrDefaultAsync(ct);
        if (found is null
            || (found.Status != ProgramStatus.Recruiting && !await access.Visible(actor).AnyAsync(p => p.Id == found.Session.ProgramId, ct)))
        {
            return new NotFound(InformationSessionEvents.NoSession);
        }
        return (found.Session, found.Status);
    }
}
