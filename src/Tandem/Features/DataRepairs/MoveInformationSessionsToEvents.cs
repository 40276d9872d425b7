using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Recruitment;

namespace Tandem.Features.DataRepairs;

/// <summary>
/// Moves Recruitment's information sessions into events (ADR 70): each <c>InformationSessions</c> row becomes an
/// <c>Events</c> row with the same id (kind InformationSession, audience Everyone, ends after its duration, an https
/// online link as the video link, the same capacity and zone), and each sign-up an <c>EventRsvps</c> row with the same id
/// (Going, queued in sign-up order). The old rows are deleted in the same transaction, one session at a time: the
/// delete is the claim, so of two nodes migrating at once only one moves a session, and a moved session is never found
/// again (idempotent; runs after every migration, as the other repairs). The emptied tables are dropped in a later release.
/// </summary>
public sealed class MoveInformationSessionsToEvents(TandemDb db, ILogger<MoveInformationSessionsToEvents> logger) : IDataRepair
{
    async Task IDataRepair.RunAsync(CancellationToken ct) => await RunAsync(ct);

    public async Task<int> RunAsync(CancellationToken ct = default)
    {
        var ids = await db.Set<InformationSession>().AsNoTracking().OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(ct);
        var moved = 0;
        foreach (var id in ids)
        {
            if (await MoveAsync(id, ct))
            {
                moved++;
            }
        }
        if (moved > 0)
        {
            logger.LogInformation("Moved {Count} information sessions into events (ADR 70)", moved);
        }
        return moved;
    }

    private async Task<bool> MoveAsync(Guid sessionId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var session = await db.Set<InformationSession>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        var signUps = await db.Set<InformationSessionSignUp>().AsNoTracking().Where(u => u.SessionId == sessionId)
            .OrderBy(u => u.SignedUpAt).ThenBy(u => u.Id).ToListAsync(ct);
        // The claim: another node that moved it first leaves nothing to delete.
        await db.Set<InformationSessionSignUp>().Where(u => u.SessionId == sessionId).ExecuteDeleteAsync(ct);
        if (session is null || await db.Set<InformationSession>().Where(s => s.Id == sessionId).ExecuteDeleteAsync(ct) == 0
            || await db.Set<ProgramEvent>().AnyAsync(e => e.Id == sessionId, ct))
        {
            await transaction.RollbackAsync(ct);
            return false;
        }
        var link = session.OnlineLink;
        var https = link is not null && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo);
        // An http link (Recruitment took those) is not a video link for events; it is kept in the description.
        var description = link is not null && !https ? $"Online: {link}" : "";
        var place = session.Place ?? (link is not null && !https && link.Length <= ProgramEvent.PlaceMax ? link : null);
        var evt = new ProgramEvent(session.ProgramId, EventKind.InformationSession, session.Title, description, session.StartsAt,
            session.StartsAt.AddMinutes(session.DurationMinutes), session.TimeZoneId, place, https ? link : null, EventAudience.Everyone,
            session.Capacity, null, session.CreatedByUserId, session.CreatedAt, session.Id);
        db.Add(evt);
        db.Entry(evt).Property(e => e.GoingCount).CurrentValue = signUps.Count;
        var queue = 0;
        foreach (var signUp in signUps)
        {
            db.Add(new EventRsvp(session.Id, signUp.UserId, RsvpState.Going, ++queue, signUp.SignedUpAt, signUp.Id));
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }
}
