using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed record InformationSessionDetailsView(InformationSessionView Session, string ProgramName, ProgramStatus ProgramStatus, bool CanManage);

/// <summary>One session, for its page: anyone signed in for a recruiting program, else those who see the program.</summary>
public sealed class GetInformationSession(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<InformationSessionDetailsView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (session, status) = found.Value;
        var name = await db.Programs.Where(p => p.Id == session.ProgramId).Select(p => p.Name).SingleAsync(ct);
        var canManage = await InformationSessionEvents.ManagesAsync(db, access, actor, session.ProgramId, ct);
        return new InformationSessionDetailsView(await InformationSessionEvents.ViewAsync(db, sessionId, actor.UserId, canManage, ct), name, status, canManage);
    }
}
