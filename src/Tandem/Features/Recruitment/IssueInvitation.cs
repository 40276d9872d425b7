using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>Who an invitation to be enrolled or to join an organisation is for, and what accepting it gives.</summary>
public sealed record InvitationOrder(
    Guid OrganisationId, MentorshipProgram? Program, string Email, ProgramRole? Role, OrganisationRole? OrganisationRole, string? FirstName, string? LastName);

/// <summary>
/// Invites an address that is not (as far as the caller may know) in the organisation: to be enrolled in a program
/// (<see cref="InvitationOrder.Program"/> and <see cref="InvitationOrder.Role"/>) or to join the organisation
/// (<see cref="InvitationOrder.OrganisationRole"/>). The callers (enrolling, adding an organisation member) come here
/// for every address that is not already a member, whether or not it has an account elsewhere: the answer and the
/// work are the same, so that a coordinator cannot learn who has an account in the installation. Callers check access.
/// An invitation to be enrolled as a participant is not sent to someone the program already knows (an applicant, someone
/// its consent gate holds back, someone with an open invitation to apply: <see cref="RecruitmentRules.TakenAsync"/>, ADR 119).
/// </summary>
public sealed class IssueInvitation(TandemDb db, IProgramApplicants applicants, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    internal async Task<Outcome<InvitationView>> RunAsync(Actor actor, InvitationOrder order, CancellationToken ct = default)
    {
        Invitation invitation;
        string token;
        // Checked and inserted as one unit behind the program's (or, to join, the organisation's) row lock: a double submit's
        // second request waits, then sees the first's invitation (ADR 119). The e-mail goes after the commit.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var locked = order.Program is { } program
                ? await ProgramLock.TakeAsync(db, program.Id, ct)
                : await OrganisationLock.TakeAsync(db, order.OrganisationId, ct);
            if (!locked)
            {
                return new NotFound(order.Program is null ? "No such organisation." : "No program with this id is visible to you.");
            }
            var staged = await StageAsync(actor, order, ct);
            if (staged.Failure is { } failure)
            {
                return failure;
            }
            (invitation, token) = staged.Value;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// The invitation added to the context, not saved, with its token: for a caller that commits it together with its own
    /// change and then sends it with <see cref="InvitationMailer"/>. Inside a transaction that holds the program's or the
    /// organisation's row lock, its checks stand until that commit.
    /// </summary>
    internal async Task<Outcome<(Invitation Invitation, string Token)>> StageAsync(Actor actor, InvitationOrder order, CancellationToken ct = default)
    {
        if (order.Role is { } role && !Enum.IsDefined(role))
        {
            return Invalid.Field("Role", RecruitmentRules.UnknownRole);
        }
        var email = order.Email.Trim();
        if (!RecruitmentRules.IsEmail(email))
        {
            return Invalid.Field("Email", "This is not a valid e-mail address.");
        }
        var normalized = Invitation.Normalize(email);
        var now = clock.GetUtcNow().UtcDateTime;
        var open = db.Set<Invitation>().Where(i => i.NormalizedEmail == normalized && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now);
        open = order.Program is { } target
            ? open.Where(i => i.Purpose == InvitationPurpose.Enrol && i.ProgramId == target.Id && i.Role == order.Role)
            : open.Where(i => i.Purpose == InvitationPurpose.JoinOrganisation && i.OrganisationId == order.OrganisationId);
        if (await open.AnyAsync(ct))
        {
            return new Conflict($"{email} already has an open invitation for this; resend it instead.");
        }
        if (order.Program is { } inProgram && RecruitmentRules.IsParticipant(order.Role ?? ProgramRole.Mentee))
        {
            // Enrolled on accepting, so asked who may be invited to apply: not an applicant, nor a child the consent gate holds back.
            var taken = await RecruitmentRules.TakenAsync(db, applicants, inProgram.Id, [normalized], now, ct);
            if (taken.Problem(normalized, email) is { } problem)
            {
                return new Conflict(problem);
            }
        }
        var (token, hash) = Invitation.NewToken();
        var by = actor.UserId == Guid.Empty ? (Guid?)null : actor.UserId;
        var expires = now.AddDays(options.Value.InvitationLifetimeDays);
        var details = new InviteeDetails(order.FirstName?.Trim() ?? "", order.LastName?.Trim() ?? "", null, null);
        var invitation = order.Program is { } program
            ? Invitation.ToEnrol(program, email, order.Role ?? ProgramRole.Mentee, by, hash, now, expires, details)
            : Invitation.ToJoin(order.OrganisationId, email, order.OrganisationRole ?? OrganisationRole.Member, by, hash, now, expires, details);
        db.Add(invitation);
        return (invitation, token);
    }
}
