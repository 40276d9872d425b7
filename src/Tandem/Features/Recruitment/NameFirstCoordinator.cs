using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// A new organisation's first coordinator, as <see cref="AddOrganisationMember"/> adds a coordinator: an administrator
/// attaches an existing account with a verified address directly; any other address is invited by e-mail to join as
/// coordinator. An unverified account may have been made by anyone on an application form (ADR 28), so it takes the
/// invitation path too: the e-mail reaches the address's owner, and only they can take the account and accept. The
/// organisation and the membership or invitation are one commit (the organisation's, which stages them here); the e-mail
/// goes out after it. A disabled (or erased) account is refused (409), not attached.
/// </summary>
public sealed class NameFirstCoordinator(TandemDb db, IssueInvitation invite, InvitationMailer mailer, TimeProvider clock) : IFirstCoordinator
{
    /// <summary>The length of <see cref="Invitation.FirstName"/> and <see cref="Invitation.LastName"/> (RecruitmentConfiguration).</summary>
    private const int NamePartMax = 100;

    /// <summary>The invitation staged in this scope, sent once the organisation is committed.</summary>
    private (Invitation Invitation, string Token)? pending;

    public async Task<Outcome<FirstCoordinatorView>> StageAsync(Actor actor, Organisation organisation, FirstCoordinatorRequest who, CancellationToken ct)
    {
        var email = who.Email.Trim();
        var name = who.Name.Trim();
        if (!RecruitmentRules.IsEmail(email))
        {
            return Invalid.Field("FirstCoordinator.Email", "The first coordinator's e-mail address is not a valid e-mail address.");
        }
        // The invitation keeps the name as a first name (before the first space) and a last name, 100 characters each.
        var space = name.IndexOf(' ');
        var (first, last) = space < 0 ? (name, "") : (name[..space], name[(space + 1)..].Trim());
        if (first.Length > NamePartMax || last.Length > NamePartMax)
        {
            return Invalid.Field("FirstCoordinator.Name",
                $"The first coordinator's name is kept as a first name (up to the first space) and a last name of at most {NamePartMax} characters each: shorten it.");
        }
        var normalized = email.ToUpperInvariant();
        if (actor.IsAdministrator && await db.Users.Where(u => u.NormalizedEmail == normalized && u.EmailConfirmed)
                .Select(u => new { u.Id, u.DisplayName, u.Email, u.IsDisabled }).SingleOrDefaultAsync(ct) is { } account)
        {
            if (account.IsDisabled)
            {
                return new Conflict(AddOrganisationMember.DisabledAccount(account.DisplayName));
            }
            db.OrganisationMemberships.Add(new OrganisationMembership(organisation.Id, account.Id, OrganisationRole.Coordinator, clock.GetUtcNow().UtcDateTime));
            return new FirstCoordinatorView(account.DisplayName, account.Email ?? email, FirstCoordinatorStatus.Added);
        }
        var staged = await invite.StageAsync(actor, new InvitationOrder(organisation.Id, null, email, null, OrganisationRole.Coordinator, first, last), ct);
        if (staged.Failure is { } failure)
        {
            return failure is Invalid ? Invalid.Field("FirstCoordinator.Email", failure.Detail) : failure;
        }
        pending = staged.Value;
        return new FirstCoordinatorView(name, email, FirstCoordinatorStatus.InvitationNotSent);
    }

    public async Task<FirstCoordinatorView> CommittedAsync(FirstCoordinatorView staged, CancellationToken ct)
    {
        if (pending is not { } invitation)
        {
            return staged;
        }
        pending = null;
        var sent = await mailer.SendAsync([invitation], ct);
        return staged with { Status = sent > 0 ? FirstCoordinatorStatus.Invited : FirstCoordinatorStatus.InvitationNotSent };
    }
}
