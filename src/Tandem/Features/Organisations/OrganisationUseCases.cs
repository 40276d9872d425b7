using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Organisations;

public sealed class CreateOrganisationRequest
{
    [Required, StringLength(160, MinimumLength = 2)]
    public string Name { get; set; } = "";

    [Required]
    public OrganisationKind? Kind { get; set; }

    /// <summary>True when participants may be under 18.</summary>
    public bool IncludesMinors { get; set; }
}

public sealed class AddMemberRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required]
    public OrganisationRole? Role { get; set; }
}

public sealed record OrganisationView(Guid Id, string Name, OrganisationKind Kind, bool IncludesMinors, int MemberCount, OrganisationRole? MyRole);

public sealed record MemberView(Guid UserId, string DisplayName, string Email, OrganisationRole Role, DateTime JoinedAt);

/// <summary>Organisations the actor belongs to (administrators: all), one page at a time.</summary>
public sealed class ListOrganisations(TandemDb db)
{
    public async Task<Paged<OrganisationView>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var organisations = actor.IsAdministrator
            ? db.Organisations
            : db.Organisations.Where(o => o.Members.Any(m => m.UserId == actor.UserId));
        var total = await organisations.CountAsync(ct);
        var items = await organisations.OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Page(paging)
            .Select(o => new OrganisationView(o.Id, o.Name, o.Kind, o.IncludesMinors, o.Members.Count,
                o.Members.Where(m => m.UserId == actor.UserId).Select(m => (OrganisationRole?)m.Role).FirstOrDefault()))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}

/// <summary>An administrator registers a school, university or company.</summary>
public sealed class CreateOrganisation(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<OrganisationView>> RunAsync(CreateOrganisationRequest request, CancellationToken ct = default)
    {
        var name = request.Name.Trim();
        if (await db.Organisations.AnyAsync(o => o.Name == name, ct))
        {
            return new Conflict($"An organisation named {name} already exists.");
        }
        var organisation = new Organisation(name, request.Kind ?? OrganisationKind.Other, request.IncludesMinors, clock.GetUtcNow().UtcDateTime);
        db.Organisations.Add(organisation);
        await db.SaveChangesAsync(ct);
        return new OrganisationView(organisation.Id, organisation.Name, organisation.Kind, organisation.IncludesMinors, 0, null);
    }
}

/// <summary>Either the member added (or whose role changed) or, for an address outside the organisation, the invitation sent.</summary>
public sealed record MemberAddition(MemberView? Member, InvitationView? Invitation);

/// <summary>
/// A coordinator of the organisation (or an administrator) adds someone as member or coordinator. An address that
/// belongs to a member already changes their role; any other address is invited by e-mail and joins when its owner
/// accepts, with the same answer whether or not it has an account elsewhere in the installation, so that the
/// organisation is a wall both ways: no one is attached without agreeing, and no one learns who has an account.
/// Administrators, who manage every account, attach an existing account directly.
/// </summary>
public sealed class AddOrganisationMember(TandemDb db, IssueInvitation invite, TimeProvider clock)
{
    public async Task<Outcome<MemberAddition>> RunAsync(Actor actor, Guid organisationId, AddMemberRequest request, CancellationToken ct = default)
    {
        var check = await CheckManagerAsync(db, actor, organisationId, ct);
        if (check is not null)
        {
            return check;
        }
        var role = request.Role ?? OrganisationRole.Member;
        var email = request.Email.Trim().ToUpperInvariant();
        var membership = await db.OrganisationMemberships.Include(m => m.User)
            .SingleOrDefaultAsync(m => m.OrganisationId == organisationId && m.User!.NormalizedEmail == email, ct);
        if (membership is null && actor.IsAdministrator
            && await db.Users.Where(u => u.NormalizedEmail == email).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct) is { } userId)
        {
            membership = new OrganisationMembership(organisationId, userId, role, clock.GetUtcNow().UtcDateTime);
            db.OrganisationMemberships.Add(membership);
        }
        if (membership is null)
        {
            var invited = await invite.RunAsync(actor, new InvitationOrder(organisationId, null, request.Email, null, role, null, null), ct);
            return invited.Failure is { } failure ? failure : new MemberAddition(null, invited.Value);
        }
        membership.ChangeRole(role);
        await db.SaveChangesAsync(ct);
        var user = membership.User ?? await db.Users.SingleAsync(u => u.Id == membership.UserId, ct);
        return new MemberAddition(new MemberView(user.Id, user.DisplayName, user.Email ?? "", membership.Role, membership.JoinedAt), null);
    }

    internal static async Task<Failure?> CheckManagerAsync(TandemDb db, Actor actor, Guid organisationId, CancellationToken ct)
    {
        if (actor.IsAdministrator)
        {
            return await db.Organisations.AnyAsync(o => o.Id == organisationId, ct) ? null : new NotFound("No such organisation.");
        }
        var role = await db.OrganisationMemberships
            .Where(m => m.OrganisationId == organisationId && m.UserId == actor.UserId)
            .Select(m => (OrganisationRole?)m.Role).SingleOrDefaultAsync(ct);
        return role switch
        {
            null => new NotFound("No such organisation."),
            OrganisationRole.Coordinator => null,
            _ => new Forbidden("Only the organisation's coordinators manage its members."),
        };
    }
}

/// <summary>The organisation's members, for its coordinators and administrators.</summary>
public sealed class ListOrganisationMembers(TandemDb db)
{
    public async Task<Outcome<Paged<MemberView>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        var check = await AddOrganisationMember.CheckManagerAsync(db, actor, organisationId, ct);
        if (check is not null)
        {
            return check;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var members = db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId);
        var total = await members.CountAsync(ct);
        var items = await members.OrderBy(m => m.User!.DisplayName).ThenBy(m => m.UserId)
            .Page(paging)
            .Select(m => new MemberView(m.UserId, m.User!.DisplayName, m.User.Email ?? "", m.Role, m.JoinedAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
