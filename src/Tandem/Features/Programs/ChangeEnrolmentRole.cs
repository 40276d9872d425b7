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
        var already = $"{name} is already {StaffEnrolments.Describe(role)} of this program.";
        if (enrolment.Role != role)
        {
            // Checked and changed behind the program's row lock: two coordinators making each other staff at once are taken
            // one after the other, and the second finds the other the only coordinator left (ADR 114).
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await StaffEnrolments.LockAndReadAgainAsync(db, enrolment, ct))
            {
                // Taken off the program by another coordinator since it was read: there is no one left to change.
                return new NotFound(StaffEnrolments.NoEnrolment);
            }
            if (enrolment.Role == role)
            {
                // Changed to the same by another request meanwhile (the button pressed twice): done, as a repeated change is.
                return View(enrolment, name);
            }
            if (await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == enrolment.UserId && e.Role == role, ct))
            {
                return new Conflict(already);
            }
            if (await StaffEnrolments.IsOnlyCoordinatorAsync(db, enrolment, ct))
            {
                return new Conflict(StaffEnrolments.OnlyCoordinator(name));
            }
            enrolment.ChangeRole(role);
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsLostUpdate())
            {
                return new NotFound(StaffEnrolments.NoEnrolment);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // Enrolled in that role meanwhile by a way that does not take the program's lock (EnrolParticipant).
                return new Conflict(already);
            }
        }
        return View(enrolment, name);
    }

    private static EnrolmentView View(Enrolment enrolment, string name) =>
        new(enrolment.Id, enrolment.UserId, name, enrolment.User!.Email ?? "", enrolment.Role, enrolment.EnrolledAt);
}
