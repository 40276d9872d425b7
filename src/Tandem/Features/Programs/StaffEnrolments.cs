using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

/// <summary>The rules the staff page and its API share.</summary>
internal static class StaffEnrolments
{
    public const string OnlyCoordinatorsChangeStaff = "Only the program's coordinators change its staff.";
    public const string NoEnrolment = "No one with this enrolment takes part in the program.";

    /// <summary>A staff or coordinator enrolment of a program the actor manages: 404 when not visible, 403 when not managed, 409 for a participant's.</summary>
    public static async Task<Outcome<Enrolment>> FindAsync(TandemDb db, ProgramAccess access, Actor actor, Guid programId, Guid enrolmentId, CancellationToken ct)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, OnlyCoordinatorsChangeStaff, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var enrolment = await db.Enrolments.Include(e => e.User).SingleOrDefaultAsync(e => e.Id == enrolmentId && e.ProgramId == programId, ct);
        if (enrolment is null)
        {
            return new NotFound(NoEnrolment);
        }
        if (!Enrolment.IsStaffRole(enrolment.Role))
        {
            return new Conflict($"{enrolment.User!.DisplayName} takes part in the program as {Describe(enrolment.Role)}: "
                + "participants' roles are not changed on the staff page, and they leave a program by withdrawing.");
        }
        return enrolment;
    }

    /// <summary>
    /// In the caller's transaction: takes the program's row lock (<see cref="ProgramLock"/>) and reads the enrolment again
    /// under it, so "the program's only coordinator" is checked on what two coordinators changing each other at once left
    /// (ADR 114). False when the enrolment (or the program) is gone meanwhile.
    /// </summary>
    public static async Task<bool> LockAndReadAgainAsync(TandemDb db, Enrolment enrolment, CancellationToken ct)
    {
        if (!await ProgramLock.TakeAsync(db, enrolment.ProgramId, ct))
        {
            return false;
        }
        var entry = db.Entry(enrolment);
        await entry.ReloadAsync(ct);
        return entry.State != EntityState.Detached;
    }

    public static async Task<bool> IsOnlyCoordinatorAsync(TandemDb db, Enrolment enrolment, CancellationToken ct) =>
        enrolment.Role == ProgramRole.Coordinator
        && !await db.Enrolments.AnyAsync(e => e.ProgramId == enrolment.ProgramId && e.Id != enrolment.Id && e.Role == ProgramRole.Coordinator, ct);

    public static string OnlyCoordinator(string name) => $"{name} is the program's only coordinator: make someone else coordinator first.";

    public static string Describe(ProgramRole role) => role switch
    {
        ProgramRole.Coordinator => "a coordinator",
        ProgramRole.Staff => "a member of staff",
        ProgramRole.Mentor => "a mentor",
        ProgramRole.Mentee => "a mentee",
        _ => "a peer",
    };
}
