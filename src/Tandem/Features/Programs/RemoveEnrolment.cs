using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>
/// A coordinator takes someone off the program's staff or coordinators. Refused for the program's only coordinator and for
/// participants (their enrolment carries applications, matches and relationships, and ends by withdrawing, not here).
/// What a removed person wrote (nominations, reviews, mediation notes) stays, as written by them (ADR 0030); their places
/// at the program's events they no longer see are given up once the removal is saved (<see cref="IEnrolmentRemovedListener"/>, ADR 97).
/// </summary>
public sealed class RemoveEnrolment(TandemDb db, ProgramAccess access, IEnumerable<IEnrolmentRemovedListener> removedListeners)
{
    public async Task<Outcome<EnrolmentView>> RunAsync(Actor actor, Guid programId, Guid enrolmentId, CancellationToken ct = default)
    {
        var found = await StaffEnrolments.FindAsync(db, access, actor, programId, enrolmentId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var enrolment = found.Value!;
        var name = enrolment.User!.DisplayName;
        EnrolmentView removed;
        // Checked and removed behind the program's row lock: two coordinators removing each other at once are taken one
        // after the other, and the second finds the other the only coordinator left (ADR 114).
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await StaffEnrolments.LockAndReadAgainAsync(db, enrolment, ct))
            {
                // Removed by another request since it was read (the button pressed twice): answered as a repeated removal is.
                return new NotFound(StaffEnrolments.NoEnrolment);
            }
            if (await StaffEnrolments.IsOnlyCoordinatorAsync(db, enrolment, ct))
            {
                return new Conflict(StaffEnrolments.OnlyCoordinator(name));
            }
            removed = new EnrolmentView(enrolment.Id, enrolment.UserId, name, enrolment.User.Email ?? "", enrolment.Role, enrolment.EnrolledAt);
            db.Enrolments.Remove(enrolment);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsLostUpdate())
            {
                return new NotFound(StaffEnrolments.NoEnrolment);
            }
            await transaction.CommitAsync(ct);
        }
        foreach (var listener in removedListeners)
        {
            await listener.EnrolmentRemovedAsync(removed.UserId, programId, CancellationToken.None);
        }
        return removed;
    }
}
