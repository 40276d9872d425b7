using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>What someone may do with a program's applications: coordinators decide; staff read (no private or sensitive answers) and rate.</summary>
public enum ScreeningRole { Staff, Coordinator }

public sealed class ScreeningAccess(TandemDb db, ProgramAccess access)
{
    /// <summary>404 when the program is not visible, 403 when visible but the actor is neither coordinator nor staff.</summary>
    public async Task<Outcome<(MentorshipProgram Program, ScreeningRole Role)>> FindAsync(Actor actor, Guid programId, bool coordinatorOnly, CancellationToken ct)
    {
        var visible = access.Visible(actor).Where(p => p.Id == programId);
        var program = await visible.AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        if (await visible.AnyAsync(access.Manageable(actor), ct))
        {
            return (program, ScreeningRole.Coordinator);
        }
        var isStaff = await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == actor.UserId && e.Role == ProgramRole.Staff, ct);
        if (isStaff && !coordinatorOnly)
        {
            return (program, ScreeningRole.Staff);
        }
        return new Forbidden(coordinatorOnly
            ? "Only the program's coordinators can do this."
            : "Only the program's coordinators and staff review applications.");
    }

    /// <summary>
    /// Whether staff (who read and rate, not coordinators) see a question and its answers: not a private one, and not a
    /// sensitive one, whose answer the applicant let the program's coordinators use for matching and reports (ADR 104).
    /// </summary>
    public static bool StaffSee(Question question) => !question.Private && !question.Sensitive;

    /// <summary>The roles people apply for, in URLs lowercase: mentor, mentee, peer.</summary>
    public static ProgramRole? ParseRole(string? role) => role?.ToLowerInvariant() switch
    {
        "mentor" => ProgramRole.Mentor,
        "mentee" => ProgramRole.Mentee,
        "peer" => ProgramRole.Peer,
        _ => null,
    };

    public static IReadOnlyList<ProgramRole> ApplicableRoles(PairingModel pairing) => pairing == PairingModel.PeerToPeer
        ? [ProgramRole.Peer]
        : [ProgramRole.Mentee, ProgramRole.Mentor];

    public static string Slug(ProgramRole role) => role.ToString().ToLowerInvariant();

    public static Failure? CheckRole(MentorshipProgram program, string? role, out ProgramRole parsed)
    {
        parsed = ParseRole(role) ?? default;
        if (ParseRole(role) is null)
        {
            return new NotFound("People apply as mentor, mentee or peer.");
        }
        return ApplicableRoles(program.Pairing).Contains(parsed)
            ? null
            : new NotFound(program.Pairing == PairingModel.PeerToPeer
                ? "This peer-to-peer program takes applications as peer."
                : "This program takes applications as mentor or mentee.");
    }
}
