using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// A program's information sessions (events of kind InformationSession, not cancelled: ADR 70), soonest first. Anyone signed in sees those of a recruiting
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
        var sessions = InformationSessionEvents.Open(db).Where(s => s.ProgramId == programId);
        if (!includePast)
        {
            sessions = sessions.Where(s => s.StartsAt > now);
        }
        var total = await sessions.CountAsync(ct);
        var manages = await InformationSessionEvents.ManagesAsync(db, access, actor, programId, ct);
        var items = await InformationSessionEvents.ViewsAsync(db, sessions.OrderBy(s => s.StartsAt).ThenBy(s => s.Id).Page(paging), actor.UserId, manages, ct);
        return paging.Of(items, total);
    }
}
