using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>Gives the caller's place back.</summary>
public sealed class CancelInformationSessionSignUp(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (session, _) = found.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await db.Set<InformationSessionSignUp>().Where(u => u.SessionId == sessionId && u.UserId == actor.UserId).ExecuteDeleteAsync(ct);
        if (removed == 0)
        {
            return new Conflict("You are not signed up for this session.");
        }
        await db.Set<InformationSession>().Where(s => s.Id == sessionId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SignedUpCount, x => x.SignedUpCount - removed), ct);
        await transaction.CommitAsync(ct);
        await db.Entry(session).ReloadAsync(ct);
        return ListInformationSessions.View(session, mine: false);
    }
}
