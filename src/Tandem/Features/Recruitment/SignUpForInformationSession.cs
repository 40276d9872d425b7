using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// Signs the caller up for a session of a recruiting program. The place is taken with one
/// conditional UPDATE (count below capacity), so two people cannot take the last place.
/// </summary>
public sealed class SignUpForInformationSession(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid sessionId, CancellationToken ct = default)
    {
        var found = await SessionLookup.FindAsync(db, access, actor, sessionId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (session, status) = found.Value;
        if (status != ProgramStatus.Recruiting)
        {
            return new Conflict("The program is not recruiting; its information sessions are closed for sign-up.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (session.StartsAt <= now)
        {
            return new Conflict("This session has already started.");
        }
        if (await db.Set<InformationSessionSignUp>().AnyAsync(u => u.SessionId == sessionId && u.UserId == actor.UserId, ct))
        {
            return new Conflict("You are already signed up for this session.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<InformationSession>()
            .Where(s => s.Id == sessionId && s.SignedUpCount < s.Capacity)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SignedUpCount, x => x.SignedUpCount + 1), ct);
        if (taken == 0)
        {
            return new Conflict($"This session is full ({session.Capacity} places).");
        }
        db.Add(new InformationSessionSignUp(sessionId, actor.UserId, now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // The same person twice at once: the unique index refuses the second; the count rolls back with it.
            return new Conflict("You are already signed up for this session.");
        }
        await transaction.CommitAsync(ct);
        await db.Entry(session).ReloadAsync(ct);
        return ListInformationSessions.View(session, mine: true);
    }
}
