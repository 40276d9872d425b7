using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class EnrolRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required]
    public ProgramRole? Role { get; set; }
}

/// <summary>Either the enrolment made or, for an address outside the program's organisation, the invitation sent.</summary>
public sealed record EnrolmentAddition(EnrolmentView? Enrolment, InvitationView? Invitation);

/// <summary>
/// A coordinator gives someone a role in the program (participant, staff or coordinator). A member of the program's
/// organisation is enrolled at once; any other address is invited by e-mail and enrolled when its owner accepts,
/// with the same answer whether or not it has an account elsewhere in the installation. Administrators, who manage
/// every account, enrol an existing account with a verified address directly (it joins the organisation as a member); an
/// unverified one (anyone can make one on an application form, ADR 28) is invited like any other address.
/// Refused (409, ADR 119): anyone in a program retention anonymised; a mentor, mentee or peer in a closed program (staff
/// and coordinators may still be added, to look after its record); a disabled (or erased) account.
/// </summary>
public sealed class EnrolParticipant(TandemDb db, ProgramAccess access, IssueInvitation invite, IProgramRetention retention, TimeProvider clock)
{
    public async Task<Outcome<EnrolmentAddition>> RunAsync(Actor actor, Guid programId, EnrolRequest request, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var role = request.Role ?? ProgramRole.Mentee;
        if (!Enum.IsDefined(role))
        {
            return Invalid.Field(nameof(request.Role), RecruitmentRules.UnknownRole);
        }
        if (program.Pairing == PairingModel.PeerToPeer && role is ProgramRole.Mentor or ProgramRole.Mentee)
        {
            return Invalid.Field(nameof(request.Role), "A peer-to-peer program enrols participants as Peer.");
        }
        if (program.Pairing == PairingModel.MentorMentee && role == ProgramRole.Peer)
        {
            return Invalid.Field(nameof(request.Role), "A mentor-mentee program enrols participants as Mentor or Mentee.");
        }
        if (await RecruitmentRules.EnrolmentProblemAsync(retention, programId, program.Status, role, ct) is { } refused)
        {
            return refused;
        }
        // The same person enrolled twice at once (a double click): both pass the check below and the second insert meets a
        // unique index (the enrolment's, or the membership an administrator's enrolment adds). It runs once more, now
        // finding the first's rows, as if it had come a moment later.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EnrolAsync(actor, program, request, role, ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt == 1)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<Outcome<EnrolmentAddition>> EnrolAsync(Actor actor, MentorshipProgram program, EnrolRequest request, ProgramRole role, CancellationToken ct)
    {
        var programId = program.Id;
        var email = request.Email.Trim().ToUpperInvariant();
        var member = await db.OrganisationMemberships
            .Where(m => m.OrganisationId == program.OrganisationId && m.User!.NormalizedEmail == email)
            .Select(m => m.User!).SingleOrDefaultAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (member is null && actor.IsAdministrator && await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == email && u.EmailConfirmed, ct) is { } account)
        {
            if (account.IsDisabled)
            {
                return new Conflict(DisabledAccount(account.DisplayName));
            }
            member = account;
            db.OrganisationMemberships.Add(new OrganisationMembership(program.OrganisationId, account.Id, OrganisationRole.Member, now));
        }
        if (member is null)
        {
            var invited = await invite.RunAsync(actor, new InvitationOrder(program.OrganisationId, program, request.Email, role, null, null, null), ct);
            return invited.Failure is { } refused ? refused : new EnrolmentAddition(null, invited.Value);
        }
        if (member.IsDisabled)
        {
            return new Conflict(DisabledAccount(member.DisplayName));
        }
        if (await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == member.Id && e.Role == role, ct))
        {
            return new Conflict($"{member.DisplayName} is already enrolled as {role}.");
        }
        var enrolment = new Enrolment(programId, member.Id, role, now);
        db.Enrolments.Add(enrolment);
        await db.SaveChangesAsync(ct);
        return new EnrolmentAddition(new EnrolmentView(enrolment.Id, member.Id, member.DisplayName, member.Email ?? "", role, now), null);
    }

    /// <summary>A disabled (or erased) account runs nothing and takes part in nothing: it is not enrolled.</summary>
    internal static string DisabledAccount(string name) => $"{name}'s account is disabled, so it cannot be enrolled in the program.";
}
