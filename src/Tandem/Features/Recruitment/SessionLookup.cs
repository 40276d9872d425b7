using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

internal static class SessionLookup
{
    /// <summary>A session of a recruiting program (anyone signed in) or of a program the actor sees.</summary>
    public static async Task<Outcome<(InformationSession, ProgramStatus)>> FindAsync(TandemDb db, ProgramAccess access, Actor actor, Guid sessionId, CancellationToken ct)
    {
        var found = await db.Set<InformationSession>().Where(s => s.Id == sessionId)
            .Join(db.Programs, s => s.ProgramId, p => p.Id, (s, p) => new { Session = s, p.Status })
            .SingleOrDefaultAsync(ct);
        if (found is null
            || (found.Status != ProgramStatus.Recruiting && !await access.Visible(actor).AnyAsync(p => p.Id == found.Session.ProgramId, ct)))
        {
            return new NotFound("No information session with this id.");
        }
        return (found.Session, found.Status);
    }
}
