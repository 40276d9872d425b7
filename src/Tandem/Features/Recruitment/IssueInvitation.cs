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
/// </summary>
public sealed class IssueInvitation(TandemDb db, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    internal async Task<Outcome<InvitationView>> RunAsync(Actor actor, InvitationOrder order, CancellationToken ct = default)
    {
        var staged = await StageAsync(actor, order, ct);
        if (staged.Failure is { } failure)
        {
            return failure;
        }
        var (invitation, token) = staged.Value;
        await db.SaveChangesAsync(ct);
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// The invitation added to the context, not saved, with its token: for a caller that commits it together with its own
    /// change and then sends it with <see cref="InvitationMailer"/>.
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
