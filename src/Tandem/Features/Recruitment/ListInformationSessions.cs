using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// A program's information sessions, soonest first. Anyone signed in sees those of a recruiting
/// program (they are how people hear about it); otherwise the program must be visible to the caller.
/// </summary>
public sealed class ListInformationSessions(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<InformationSessionView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, bool includePast, CancellationToken ct = default)
    {
        if (!await db.Programs.AnyAsync(p => p.Id == programId && p.Status == ProgramStatus.Recruiting, ct)
            && !await access.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var sessions = db.Set<InformationSession>().Where(s => s.ProgramId == programId);
        if (!includePast)
        {
            sessions = sessions.Where(s => s.StartsAt > now);
        }
        var total = await sessions.CountAsync(ct);
        var rows = await sessions.OrderBy(s => s.StartsAt).ThenBy(s => s.Id).Page(paging)
            .Select(s => new { Session = s, Mine = db.Set<InformationSessionSignUp>().Any(u => u.SessionId == s.Id && u.UserId == actor.UserId) })
            .AsNoTracking().ToListAsync(ct);
        var items = rows.Select(r => View(r.Session, r.Mine)).ToList();
        return paging.Of(items, total);
    }

    internal static InformationSessionView View(InformationSession s, bool mine) => new(
        s.Id, s.ProgramId, s.Title, s.StartsAt, s.TimeZoneId, SessionTimes.Local(s.StartsAt, s.TimeZoneId), s.DurationMinutes,
        s.Place, s.OnlineLink, s.Capacity, s.SignedUpCount, Math.Max(0, s.Capacity - s.SignedUpCount), mine);
}
