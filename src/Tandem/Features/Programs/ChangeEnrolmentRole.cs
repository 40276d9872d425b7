using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Programs;

public sealed class ChangeEnrolmentRoleRequest
{
    [Required]
    public ProgramRole? Role { get; set; }
}

/// <summary>
/// A coordinator makes a member of the program's staff a coordinator, or a coordinator staff. Refused, saying why, for the
/// program's only coordinator (someone enrolled must run it) and for participants, whose role is the one they applied and
/// were approved for.
/// </summary>
public sealed class ChangeEnrolmentRole(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<EnrolmentView>> RunAsync(Actor actor, Guid programId, Guid enrolmentId, ProgramRole role, CancellationToken ct = default)
    {
        var found = await StaffEnrolments.FindAsync(db, access, actor, programId, enrolmentId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var enrolment = found.Value!;
        if (!Enrolment.IsStaffRole(role))
        {
            return Invalid.Field(nameof(ChangeEnrolmentRoleRequest.Role), "Staff and coordinators are changed here: choose Staff or Coordinator.");
        }
        var name = enrolment.User!.DisplayName;
        if (enrolment.Role != role)
        {
            if (await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == enrolment.UserId && e.Role == role, ct))
            {
                return new Conflict($"{name} is already {StaffEnrolments.Describe(role)} of this program.");
            }
            if (await StaffEnrolments.IsOnlyCoordinatorAsync(db, enrolment, ct))
            {
                return new Conflict(StaffEnrolments.OnlyCoordinator(name));
            }
            enrolment.ChangeRole(role);
            await db.SaveChangesAsync(ct);
        }
        return new EnrolmentView(enrolment.Id, enrolment.UserId, name, enrolment.User.Email ?? "", enrolment.Role, enrolment.EnrolledAt);
    }
}

/// <summary>
/// A coordinator takes someone off the program's staff or coordinators. Refused for the program's only coordinator and for
/// participants (their enrolment carries applications, matches and relationships, and ends by withdrawing, not here).
/// What a removed person wrote (nominations, reviews, mediation notes) stays, as written by them (ADR 0030).
/// </summary>
public sealed class RemoveEnrolment(TandemDb db, ProgramAccess access)
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
        if (await StaffEnrolments.IsOnlyCoordinatorAsync(db, enrolment, ct))
        {
            return new Conflict(StaffEnrolments.OnlyCoordinator(name));
        }
        var removed = new EnrolmentView(enrolment.Id, enrolment.UserId, name, enrolment.User.Email ?? "", enrolment.Role, enrolment.EnrolledAt);
        db.Enrolments.Remove(enrolment);
        await db.SaveChangesAsync(ct);
        return removed;
    }
}

/// <summary>The rules the staff page and its API share.</summary>
internal static class StaffEnrolments
{
    public const string OnlyCoordinatorsChangeStaff = "Only the program's coordinators change its staff.";

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
            return new NotFound("No one with this enrolment takes part in the program.");
        }
        if (!Enrolment.IsStaffRole(enrolment.Role))
        {
            return new Conflict($"{enrolment.User!.DisplayName} takes part in the program as {Describe(enrolment.Role)}: "
                + "participants' roles are not changed on the staff page, and they leave a program by withdrawing.");
        }
        return enrolment;
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
