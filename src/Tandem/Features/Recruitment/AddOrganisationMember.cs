using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class AddMemberRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required]
    public OrganisationRole? Role { get; set; }
}

/// <summary>Either the member added (or whose role changed) or, for an address outside the organisation, the invitation sent.</summary>
public sealed record MemberAddition(MemberView? Member, InvitationView? Invitation);

/// <summary>
/// A coordinator of the organisation (or an administrator) adds someone as member or coordinator. An address that
/// belongs to a member already changes their role; any other address is invited by e-mail and joins when its owner
/// accepts, with the same answer whether or not it has an account elsewhere in the installation, so that the
/// organisation is a wall both ways: no one is attached without agreeing, and no one learns who has an account.
/// Administrators, who manage every account, attach an existing account directly when its address is verified; an
/// unverified one (anyone can make one on an application form, ADR 28) is invited like any other address.
/// </summary>
public sealed class AddOrganisationMember(TandemDb db, IssueInvitation invite, TimeProvider clock)
{
    public async Task<Outcome<MemberAddition>> RunAsync(Actor actor, Guid organisationId, AddMemberRequest request, CancellationToken ct = default)
    {
        var check = await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct);
        if (check is not null)
        {
            return check;
        }
        var role = request.Role ?? OrganisationRole.Member;
        // A form or a JSON body may carry a number no role has ("5"); it would be stored and break every later read.
        if (!Enum.IsDefined(role))
        {
            return Invalid.Field(nameof(request.Role), "Choose Member or Coordinator.");
        }
        // The same account added twice at once (a double click) both pass the checks and the second insert meets the
        // membership's key: it runs once more, now finding the first's membership, as a repeated press would (ADR 119).
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AddAsync(actor, organisationId, request, role, ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt == 1)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<Outcome<MemberAddition>> AddAsync(Actor actor, Guid organisationId, AddMemberRequest request, OrganisationRole role, CancellationToken ct)
    {
        var email = request.Email.Trim().ToUpperInvariant();
        var memberId = await db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && m.User!.NormalizedEmail == email)
            .Select(m => (Guid?)m.UserId).SingleOrDefaultAsync(ct);
        var userId = memberId;
        if (memberId is null && actor.IsAdministrator
            && await db.Users.Where(u => u.NormalizedEmail == email && u.EmailConfirmed).Select(u => new { u.Id, u.DisplayName, u.IsDisabled }).SingleOrDefaultAsync(ct) is { } account)
        {
            if (account.IsDisabled)
            {
                return new Conflict(DisabledAccount(account.DisplayName));
            }
            userId = account.Id;
        }
        if (userId is null)
        {
            // Not a member: invited, behind the same lock, which the invitation's own transaction takes.
            var invited = await invite.RunAsync(actor, new InvitationOrder(organisationId, null, request.Email, null, role, null, null), ct);
            return invited.Failure is { } failure ? failure : new MemberAddition(null, invited.Value);
        }
        OrganisationMembership? membership;
        // Read again, checked and written behind the organisation's row lock (ADR 119): two coordinators demoting each other at
        // once are taken one after the other, and the second finds the first the only coordinator left; an administrator's
        // "Add" pressed twice finds the first press's membership and answers as a repeated press.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await OrganisationLock.TakeAsync(db, organisationId, ct))
            {
                return new NotFound("No such organisation.");
            }
            membership = await db.OrganisationMemberships.Include(m => m.User)
                .SingleOrDefaultAsync(m => m.OrganisationId == organisationId && m.UserId == userId, ct);
            if (membership is null)
            {
                if (memberId is not null)
                {
                    // Removed by another request since it was read: there is no membership left to change (ADR 94).
                    return new NotFound(RemoveOrganisationMember.NotAMember);
                }
                membership = new OrganisationMembership(organisationId, userId.Value, role, clock.GetUtcNow().UtcDateTime);
                db.OrganisationMemberships.Add(membership);
            }
            if (role != OrganisationRole.Coordinator && await RemoveOrganisationMember.OnlyCoordinatorAsync(db, membership, ct))
            {
                return new Conflict($"{membership.User?.DisplayName ?? "This person"} is the organisation's only coordinator: make someone else coordinator first.");
            }
            if (role == OrganisationRole.Coordinator && membership.Role != OrganisationRole.Coordinator && membership.User is { IsDisabled: true } disabled)
            {
                return new Conflict(DisabledAccount(disabled.DisplayName));
            }
            membership.ChangeRole(role);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsLostUpdate())
            {
                // Removed by another request since it was read: there is no membership left to change (ADR 94).
                return new NotFound(RemoveOrganisationMember.NotAMember);
            }
            await transaction.CommitAsync(ct);
        }
        var user = membership.User ?? await db.Users.SingleAsync(u => u.Id == membership.UserId, ct);
        return new MemberAddition(new MemberView(user.Id, user.DisplayName, user.Email ?? "", membership.Role, membership.JoinedAt), null);
    }

    /// <summary>A disabled (or erased) account runs nothing: it is neither attached nor made a coordinator.</summary>
    internal static string DisabledAccount(string name) => $"{name}'s account is disabled, so it cannot be made a member or a coordinator of the organisation.";
}
