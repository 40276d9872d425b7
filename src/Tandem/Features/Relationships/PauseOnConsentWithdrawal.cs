using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

/// <summary>
/// A withdrawn consent to a program pauses the person's open relationships there (ADR 48), recorded as paused by the
/// person themselves (a guardian has no account). The other members are told it waits for a consent (not whose, nor
/// why); the person is not told (the gate holds them back). Their pending mentor requests, asked or asked of them, are
/// withdrawn (ADR 91): a mentor must not be left holding a child's request it may no longer answer.
/// </summary>
public sealed class PauseOnConsentWithdrawal(TandemDb db, RelationshipNotices notices, Notify notify) : IConsentWithdrawalListener
{
    public async Task<int> PauseAsync(Guid userId, Guid programId, DateTime at, CancellationToken ct)
    {
        // The withdrawal is committed; a start or a resume that read the consent before it may not be (a publish of 300
        // pairs is one transaction). Both read the consent under the program's lock (ADR 126), so this takes it first: it
        // waits for such a transaction's commit and then finds its relationship Active, or the other waits and reads the
        // consent withdrawn. The requests are closed under it too, as an acceptance takes the lock before its claim.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await ProgramLock.TakeAsync(db, programId, ct);
        await WithdrawRequestsAsync(userId, programId, at, ct);
        var active = await db.Set<Relationship>().AsNoTracking()
            .Where(r => r.ProgramId == programId && r.Status == RelationshipStatus.Active && r.Members.Any(m => m.UserId == userId))
            .Select(r => r.Id)
            .ToListAsync(ct);
        var paused = new List<Guid>();
        foreach (var id in active)
        {
            // Conditional on the status read: a coordinator completing it at the same moment wins, and this leaves it
            // (pausing a completed one would reopen a relationship whose seats are gone).
            if (await RelationshipStatusChange.PauseAsync(db, id, userId, at, ct))
            {
                paused.Add(id);
            }
        }
        foreach (var id in paused)
        {
            await notices.PausedForConsentAsync(id, ct);
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return paused.Count;
    }

    /// <summary>Paused relationships of the person in the program that their consent's withdrawal paused (it records them as the one who paused).</summary>
    public Task<int> PausedForConsentAsync(Guid userId, Guid programId, CancellationToken ct) =>
        db.Set<Relationship>().CountAsync(r => r.ProgramId == programId && r.Status == RelationshipStatus.Paused && r.StatusChangedByUserId == userId
            && r.Members.Any(m => m.UserId == userId), ct);

    private async Task WithdrawRequestsAsync(Guid userId, Guid programId, DateTime at, CancellationToken ct)
    {
        var pending = await db.Set<MentorRequest>().AsNoTracking()
            .Where(r => r.ProgramId == programId && r.Status == MentorRequestStatus.Pending && (r.MenteeUserId == userId || r.MentorUserId == userId))
            .Select(r => new { r.Id, r.MenteeUserId, r.MentorUserId })
            .ToListAsync(ct);
        var closed = new List<NotificationMessage>();
        foreach (var request in pending)
        {
            var withdrawn = await db.Set<MentorRequest>()
                .Where(r => r.Id == request.Id && r.Status == MentorRequestStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, MentorRequestStatus.Withdrawn).SetProperty(r => r.DecidedAt, at), ct);
            // A mentee who asked this person as their mentor hears it is closed, without why; the person's own request is
            // withdrawn silently (the mentor is not told, as when a mentee withdraws one).
            if (withdrawn == 1 && request.MentorUserId == userId)
            {
                closed.Add(new NotificationMessage(request.MenteeUserId, NotificationKind.Matches, "Your mentor request was closed",
                    "The mentor you asked cannot take your request at the moment. You can ask another mentor.", "/my/relationships"));
            }
        }
        if (closed.Count > 0)
        {
            await notify.ToProgramAsync(programId, closed, ct);
        }
    }
}
