using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>The link is no longer usable (expired or revoked): 410 Gone.</summary>
public sealed record Gone(string Detail) : Failure("Gone", Detail);

public sealed class RecruitmentOptions
{
    /// <summary>Days an invitation link stays usable ("Recruitment:InvitationLifetimeDays").</summary>
    [Range(1, 365)]
    public int InvitationLifetimeDays { get; set; } = 14;

    /// <summary>Largest roster upload in bytes ("Recruitment:MaxRosterBytes").</summary>
    [Range(1L, 1L << 30)]
    public long MaxRosterBytes { get; set; } = 1024 * 1024;

    /// <summary>Most rows in one roster file ("Recruitment:MaxRosterRows").</summary>
    [Range(1, 1_000_000)]
    public int MaxRosterRows { get; set; } = 5000;
}

internal static class RecruitmentRules
{
    /// <summary>The participant roles one can be invited to; staff and coordinators are enrolled directly.</summary>
    public static string? RoleProblem(MentorshipProgram program, ProgramRole role) => role switch
    {
        _ when !Enum.IsDefined(role) => UnknownRole,
        ProgramRole.Coordinator or ProgramRole.Staff => "Invite people as Mentor, Mentee or Peer; staff and coordinators are enrolled directly.",
        ProgramRole.Peer when program.Pairing == PairingModel.MentorMentee => "A mentor-mentee program takes Mentor or Mentee, not Peer.",
        ProgramRole.Mentor or ProgramRole.Mentee when program.Pairing == PairingModel.PeerToPeer => "A peer-to-peer program takes Peer only.",
        _ => null,
    };

    /// <summary>A role number no program has: form mapping accepts any number for an enum (ADR 106).</summary>
    public const string UnknownRole = "Choose one of the program's roles.";

    public static bool IsEmail(string value) =>
        Infrastructure.Email.EmailAddresses.IsValid(value) && value.LastIndexOf('.') > value.IndexOf('@');

    /// <summary>The lower-case role name used in apply links (/apply/{programId}/mentee).</summary>
    public static string Slug(this ProgramRole role) => role.ToString().ToLowerInvariant();

    /// <summary>A mentor, mentee or peer: someone the program's recruitment rules (applicants, the consent gate) are about.</summary>
    public static bool IsParticipant(ProgramRole role) => role is ProgramRole.Mentor or ProgramRole.Mentee or ProgramRole.Peer;

    /// <summary>A program retention anonymised takes no one new (ADR 119): no enrolment, no invitation, no acceptance of one.</summary>
    public const string Retained = "This program's data has been anonymised after it closed, so no one joins it any more: it takes no enrolments or invitations.";

    public const string Closed = "This program is closed; it no longer recruits.";

    public static Conflict? ClosedProblem(MentorshipProgram program) =>
        program.Status == ProgramStatus.Closed ? new Conflict(Closed) : null;

    /// <summary>
    /// Whether someone may still be enrolled in the program in <paramref name="role"/>, by hand, by an invitation resent or
    /// by one accepted (ADR 119): nobody once retention anonymised it; no mentor, mentee or peer once it is closed (staff
    /// and coordinators may still be added, to look after its record).
    /// </summary>
    public static async Task<Conflict?> EnrolmentProblemAsync(IProgramRetention retention, Guid programId, ProgramStatus status, ProgramRole role, CancellationToken ct)
    {
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        return status == ProgramStatus.Closed && IsParticipant(role) ? new Conflict(Closed) : null;
    }

    /// <summary>Invitation links lead to the application form, which is open only while the program recruits.</summary>
    /// <summary>What every way of bringing someone in checks first: the program recruits, takes the role, and the address is real.</summary>
    public static Failure? CandidateProblem(MentorshipProgram program, ProgramRole role, string email)
    {
        if (NotRecruitingProblem(program) is { } notRecruiting)
        {
            return notRecruiting;
        }
        if (RoleProblem(program, role) is { } roleProblem)
        {
            return Invalid.Field("Role", roleProblem);
        }
        return IsEmail(email) ? null : Invalid.Field("Email", "This is not a valid e-mail address.");
    }

    public static Conflict? NotRecruitingProblem(MentorshipProgram program) =>
        program.Status == ProgramStatus.Recruiting ? null
        : new Conflict($"This program is {program.Status.ToString().ToLowerInvariant()}. Invitations lead to its application form, which is open only while it is recruiting: move it to recruiting first.");

    /// <summary>The 403 message of <see cref="ProgramAccess.FindManagedAsync"/> for recruitment's use cases.</summary>
    public const string OnlyCoordinatorsRecruit = "Only the program's coordinators manage its recruitment.";

    /// <summary>
    /// E-mails (normalised) already enrolled in the program in a role, holding an open invitation to apply to it, or known to it
    /// as applicants (an application in the program, or held back by its consent gate: ADR 106). Inside a transaction that
    /// began with <see cref="LockProgramAsync"/>, the answer stands until the caller's insert commits.
    /// </summary>
    public static async Task<Taken> TakenAsync(
        TandemDb db, IProgramApplicants applicants, Guid programId, IReadOnlyCollection<string> normalizedEmails, DateTime now, CancellationToken ct)
    {
        var enrolled = await db.Enrolments
            .Where(e => e.ProgramId == programId && e.Role != ProgramRole.Coordinator && e.Role != ProgramRole.Staff && normalizedEmails.Contains(e.User!.NormalizedEmail!))
            .Select(e => e.User!.NormalizedEmail!)
            .ToListAsync(ct);
        var invited = await db.Set<Invitation>()
            .Where(i => i.ProgramId == programId && i.Purpose == InvitationPurpose.Apply && normalizedEmails.Contains(i.NormalizedEmail)
                && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .Select(i => i.NormalizedEmail)
            .ToListAsync(ct);
        var applied = await applicants.AmongAsync(programId, normalizedEmails, ct);
        return new Taken(enrolled.ToHashSet(), invited.ToHashSet(), applied.Select(a => a.NormalizedEmail).ToHashSet());
    }

    /// <summary>
    /// Takes the program's row lock in the caller's transaction (a no-op update), so that two requests inviting the same
    /// address (a double submit) check and insert one after the other: the second's <see cref="TakenAsync"/> sees the first's
    /// invitation. False when the program is gone.
    /// </summary>
    public static Task<bool> LockProgramAsync(TandemDb db, Guid programId, CancellationToken ct) => ProgramLock.TakeAsync(db, programId, ct);
}

/// <summary>Who of some addresses a program may not invite to apply again, and why (<see cref="RecruitmentRules.TakenAsync"/>).</summary>
internal sealed record Taken(HashSet<string> Enrolled, HashSet<string> Invited, HashSet<string> Applied)
{
    /// <summary>Why the address may not be invited (a coordinator's 409 or roster row error), or null.</summary>
    public string? Problem(string normalizedEmail, string email) =>
        Enrolled.Contains(normalizedEmail) ? $"{email} already takes part in this program."
        : Applied.Contains(normalizedEmail) ? $"{email} already applied to this program."
        : Invited.Contains(normalizedEmail) ? $"{email} already has an open invitation to this program."
        : null;
}
