using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class InviteRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; set; } = "";

    [Required]
    public ProgramRole? Role { get; set; }

    [StringLength(100)]
    public string? FirstName { get; set; }

    [StringLength(100)]
    public string? LastName { get; set; }
}

public sealed record InvitationView(
    Guid Id, Guid? ProgramId, string Email, string FirstName, string LastName, ProgramRole? Role, InvitationSource Source,
    InvitationStatus Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? SentAt, int SendCount, DateTime? AcceptedAt, DateTime? RevokedAt,
    InvitationPurpose Purpose, Guid OrganisationId, OrganisationRole? OrganisationRole)
{
    public static InvitationView From(Invitation i, DateTime now) => new(
        i.Id, i.ProgramId, i.Email, i.FirstName, i.LastName, i.Role, i.Source, i.StatusAt(now),
        i.CreatedAt, i.ExpiresAt, i.SentAt, i.SendCount, i.AcceptedAt, i.RevokedAt, i.Purpose, i.OrganisationId, i.OrganisationRole);
}

/// <summary>A coordinator invites one person by e-mail to apply for a role.</summary>
public sealed class InviteParticipant(TandemDb db, ProgramAccess access, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    public async Task<Outcome<InvitationView>> RunAsync(Actor actor, Guid programId, InviteRequest request, CancellationToken ct = default)
    {
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var program = found.Value!;
        var role = request.Role ?? ProgramRole.Mentee;
        var email = request.Email.Trim();
        if (RecruitmentRules.CandidateProblem(program, role, email) is { } candidateProblem)
        {
            return candidateProblem;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var normalized = Invitation.Normalize(email);
        var (enrolled, invited) = await RecruitmentRules.TakenAsync(db, programId, [normalized], now, ct);
        if (enrolled.Count > 0)
        {
            return new Conflict($"{email} is already taking part in this program.");
        }
        if (invited.Count > 0)
        {
            return new Conflict($"{email} already has an open invitation to this program; resend it instead.");
        }
        var (token, hash) = Invitation.NewToken();
        var invitation = Invitation.ToApply(program, email, role, InvitationSource.Direct, actor.UserId == Guid.Empty ? null : actor.UserId,
            hash, now, now.AddDays(options.Value.InvitationLifetimeDays),
            new InviteeDetails(request.FirstName?.Trim() ?? "", request.LastName?.Trim() ?? "", null, null));
        db.Add(invitation);
        await db.SaveChangesAsync(ct);
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }
}

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
        await db.SaveChangesAsync(ct);
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }
}

/// <summary>The organisation's open and past invitations to join it, newest first, for its coordinators and administrators.</summary>
public sealed class ListOrganisationInvitations(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<Paged<InvitationView>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await AddOrganisationMember.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var invitations = db.Set<Invitation>().Where(i => i.OrganisationId == organisationId && i.Purpose == InvitationPurpose.JoinOrganisation);
        var total = await invitations.CountAsync(ct);
        var rows = await invitations.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Page(paging).AsNoTracking().ToListAsync(ct);
        return paging.Of(rows.Select(i => InvitationView.From(i, now)).ToList(), total);
    }
}

/// <summary>The program's invitations with their status, newest first, for its coordinators.</summary>
public sealed class ListInvitations(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<InvitationView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, InvitationStatus? status, CancellationToken ct = default)
    {
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var invitations = db.Set<Invitation>().Where(i => i.ProgramId == programId);
        invitations = status switch
        {
            InvitationStatus.Revoked => invitations.Where(i => i.RevokedAt != null),
            InvitationStatus.Accepted => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt != null),
            InvitationStatus.Expired => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt == null && i.ExpiresAt <= now),
            InvitationStatus.Sent => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt == null && i.ExpiresAt > now && i.SentAt != null),
            InvitationStatus.NotSent => invitations.Where(i => i.RevokedAt == null && i.AcceptedAt == null && i.ExpiresAt > now && i.SentAt == null),
            _ => invitations,
        };
        var total = await invitations.CountAsync(ct);
        var rows = await invitations.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Page(paging).AsNoTracking().ToListAsync(ct);
        return paging.Of(rows.Select(i => InvitationView.From(i, now)).ToList(), total);
    }
}

/// <summary>Sends an open (or expired) invitation again with a fresh link and expiry; the old link stops working.</summary>
public sealed class ResendInvitation(TandemDb db, ProgramAccess access, InvitationMailer mailer, IOptions<RecruitmentOptions> options, TimeProvider clock)
{
    public async Task<Outcome<InvitationView>> RunAsync(Actor actor, Guid invitationId, CancellationToken ct = default)
    {
        var found = await InvitationLookup.FindManageableAsync(db, access, actor, invitationId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (invitation, program) = found.Value;
        if (invitation.Purpose == InvitationPurpose.Apply && RecruitmentRules.NotRecruitingProblem(program!) is { } notRecruiting)
        {
            return notRecruiting;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var (token, hash) = Invitation.NewToken();
        if (!invitation.Renew(hash, now, now.AddDays(options.Value.InvitationLifetimeDays)))
        {
            return new Conflict($"This invitation was {invitation.StatusAt(now).ToString().ToLowerInvariant()}; it cannot be resent.");
        }
        await db.SaveChangesAsync(ct);
        await mailer.SendAsync([(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
    }
}

/// <summary>Withdraws an invitation that has not been accepted; its link stops working.</summary>
public sealed class RevokeInvitation(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<InvitationView>> RunAsync(Actor actor, Guid invitationId, CancellationToken ct = default)
    {
        var found = await InvitationLookup.FindManageableAsync(db, access, actor, invitationId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (invitation, _) = found.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        if (!invitation.Revoke(now))
        {
            return new Conflict($"This invitation was already {invitation.StatusAt(now).ToString().ToLowerInvariant()}.");
        }
        await db.SaveChangesAsync(ct);
        return InvitationView.From(invitation, now);
    }
}

/// <summary>
/// What accepting did. <paramref name="NextPath"/> is where the invitee goes now: the application form for an
/// invitation to apply (also <paramref name="ApplyPath"/>), the program for an enrolment, the organisations page
/// for a membership.
/// </summary>
public sealed record InvitationAcceptance(
    Guid InvitationId, Guid? ProgramId, string? ProgramName, ProgramRole? Role, string? ApplyPath,
    InvitationPurpose Purpose, Guid OrganisationId, string OrganisationName, OrganisationRole? OrganisationRole, string NextPath);

/// <summary>What an invitation link is for, without using it (for the accept page to show before sign-in).</summary>
public sealed record InvitationPreview(
    Guid? ProgramId, string? ProgramName, ProgramRole? Role, string Email, string FirstName, string LastName, InvitationStatus Status, DateTime ExpiresAt,
    InvitationPurpose Purpose, Guid OrganisationId, string OrganisationName, OrganisationRole? OrganisationRole)
{
    /// <summary>Where the link's e-mail sends the invitee: the application form, or the accept page.</summary>
    public string LinkPath(string token) => Purpose == InvitationPurpose.Apply
        ? InvitationMailer.ApplyPath(ProgramId!.Value, Role!.Value, token)
        : InvitationMailer.AcceptPath(token);
}

/// <summary>Looks an invitation link up without using it. Unknown tokens are not found.</summary>
public sealed class FindInvitation(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<InvitationPreview>> RunAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new NotFound("This invitation link is not valid.");
        }
        var hash = Invitation.Hash(token);
        var found = await db.Set<Invitation>().AsNoTracking().Where(i => i.TokenHash == hash)
            .Select(i => new
            {
                Invitation = i,
                OrganisationName = db.Organisations.Where(o => o.Id == i.OrganisationId).Select(o => o.Name).Single(),
                ProgramName = db.Programs.Where(p => p.Id == i.ProgramId).Select(p => p.Name).SingleOrDefault(),
            })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return new NotFound("This invitation link is not valid. It may have been replaced by a newer one.");
        }
        var i = found.Invitation;
        return new InvitationPreview(i.ProgramId, found.ProgramName, i.Role, i.Email, i.FirstName, i.LastName, i.StatusAt(clock.GetUtcNow().UtcDateTime), i.ExpiresAt,
            i.Purpose, i.OrganisationId, found.OrganisationName, i.OrganisationRole);
    }
}

/// <summary>
/// The invitee, signed in with the invited e-mail address, uses the link: it is marked used (once, even under
/// concurrent clicks), and in the same transaction they join the organisation (as a member, or with the invited
/// organisation role), are enrolled in the program when the invitation says so, and nominations naming their
/// e-mail are linked to their account. This is the only way an account joins an organisation at a coordinator's
/// request: the person owning the address agrees by accepting. Reused → 409, expired or revoked → 410, someone
/// else's → 403.
/// </summary>
public sealed class AcceptInvitation(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<InvitationAcceptance>> RunAsync(Actor actor, string token, CancellationToken ct = default)
    {
        var hash = Invitation.Hash(token ?? "");
        var invitation = await db.Set<Invitation>().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null || string.IsNullOrWhiteSpace(token))
        {
            return new NotFound("This invitation link is not valid. It may have been replaced by a newer one.");
        }
        var user = await db.Users.Where(u => u.Id == actor.UserId).Select(u => new { u.NormalizedEmail }).SingleOrDefaultAsync(ct);
        if (user?.NormalizedEmail != invitation.NormalizedEmail)
        {
            return new Forbidden($"This invitation was sent to another e-mail address. Sign in as {Mask(invitation.Email)} to use it.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        switch (invitation.StatusAt(now))
        {
            case InvitationStatus.Accepted:
                return new Conflict("This invitation has already been used. Each invitation link works once.");
            case InvitationStatus.Revoked:
                return new Gone("This invitation was withdrawn by the coordinator who sent it.");
            case InvitationStatus.Expired:
                return new Gone($"This invitation expired on {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Ask the coordinator to send a new one.");
        }
        var organisationName = await db.Organisations.Where(o => o.Id == invitation.OrganisationId).Select(o => o.Name).SingleAsync(ct);
        var program = invitation.ProgramId is { } programId
            ? await db.Programs.Where(p => p.Id == programId).Select(p => new { p.Id, p.Name }).SingleAsync(ct)
            : null;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Conditional update: of two concurrent clicks exactly one wins.
        var won = await db.Set<Invitation>()
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, actor.UserId), ct);
        if (won == 0)
        {
            return new Conflict("This invitation has already been used. Each invitation link works once.");
        }
        var membership = await db.OrganisationMemberships.SingleOrDefaultAsync(m => m.OrganisationId == invitation.OrganisationId && m.UserId == actor.UserId, ct);
        var organisationRole = invitation.OrganisationRole ?? OrganisationRole.Member;
        if (membership is null)
        {
            db.OrganisationMemberships.Add(new OrganisationMembership(invitation.OrganisationId, actor.UserId, organisationRole, now));
        }
        else if (organisationRole == OrganisationRole.Coordinator)
        {
            membership.ChangeRole(OrganisationRole.Coordinator);
        }
        if (invitation.Purpose == InvitationPurpose.Enrol && program is not null && invitation.Role is { } enrolAs
            && !await db.Enrolments.AnyAsync(e => e.ProgramId == program.Id && e.UserId == actor.UserId && e.Role == enrolAs, ct))
        {
            db.Enrolments.Add(new Enrolment(program.Id, actor.UserId, enrolAs, now));
        }
        await db.SaveChangesAsync(ct);
        if (invitation.Purpose == InvitationPurpose.Apply && program is not null)
        {
            await db.Set<Nomination>()
                .Where(n => n.ProgramId == program.Id && n.NomineeUserId == null && n.NomineeEmail.ToUpper() == invitation.NormalizedEmail)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.NomineeUserId, actor.UserId), ct);
        }
        await transaction.CommitAsync(ct);
        var applyPath = invitation.Purpose == InvitationPurpose.Apply && program is not null ? $"/apply/{program.Id}/{invitation.Role!.Value.Slug()}" : null;
        var next = applyPath ?? (program is not null ? $"/programs/{program.Id}" : "/organisations");
        return new InvitationAcceptance(invitation.Id, program?.Id, program?.Name, invitation.Role, applyPath,
            invitation.Purpose, invitation.OrganisationId, organisationName, invitation.OrganisationRole, next);
    }

    internal static string Mask(string email)
    {
        var at = email.IndexOf('@');
        return at <= 1 ? email : $"{email[0]}…{email[(at - 1)..]}";
    }
}

public sealed class InvitationSignUpRequest
{
    [Required, StringLength(200)]
    public string Token { get; set; } = "";

    [Required(ErrorMessage = "Give your name."), StringLength(120, MinimumLength = 1)]
    public string DisplayName { get; set; } = "";

    [Required(ErrorMessage = "Choose a password."), StringLength(200, MinimumLength = 10, ErrorMessage = "Use at least 10 characters.")]
    public string Password { get; set; } = "";

    [Required(ErrorMessage = "Choose your time zone."), StringLength(64)]
    public string TimeZoneId { get; set; } = "UTC";
}

/// <summary>
/// Someone invited at an address that has no account creates one with that address (the link, sent to it, shows
/// they receive its mail), is signed in, and accepts the invitation. Where the address already has an account, the
/// holder of the link is told to sign in instead: only the address's owner receives the link, so this tells no one
/// else that the account exists.
/// </summary>
public sealed class SignUpByInvitation(FindInvitation find, CreateUser createUser, SignInUser signIn, UserManager<TandemUser> users, AcceptInvitation accept)
{
    public async Task<Outcome<InvitationAcceptance>> RunAsync(InvitationSignUpRequest request, string? userAgent, CancellationToken ct = default)
    {
        var found = await find.RunAsync(request.Token, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var invitation = found.Value!;
        switch (invitation.Status)
        {
            case InvitationStatus.Accepted:
                return new Conflict("This invitation has already been used. Each invitation link works once.");
            case InvitationStatus.Revoked:
                return new Gone("This invitation was withdrawn by the coordinator who sent it.");
            case InvitationStatus.Expired:
                return new Gone($"This invitation expired on {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Ask the coordinator to send a new one.");
        }
        var created = await createUser.RunAsync(new CreateUserRequest
        {
            DisplayName = request.DisplayName,
            Email = invitation.Email,
            Password = request.Password,
            TimeZoneId = request.TimeZoneId,
        });
        if (created.Failure is { } refused)
        {
            return refused is Conflict
                ? new Conflict($"An account with {invitation.Email} already exists: sign in with it, then accept the invitation.")
                : refused;
        }
        var user = await users.FindByIdAsync(created.Value!.Id.ToString());
        await signIn.StartSessionAsync(user!, persistent: false, userAgent);
        return await accept.RunAsync(new Actor(user!.Id, IsAdministrator: false), request.Token, ct);
    }
}

internal static class InvitationLookup
{
    /// <summary>
    /// The invitation and its program (null for an invitation to join an organisation) when the actor manages them:
    /// the program's coordinators for program invitations, the organisation's coordinators (and administrators) for
    /// organisation ones; 404 for everyone else who cannot see it.
    /// </summary>
    public static async Task<Outcome<(Invitation, MentorshipProgram?)>> FindManageableAsync(TandemDb db, ProgramAccess access, Actor actor, Guid invitationId, CancellationToken ct)
    {
        var target = await db.Set<Invitation>().Where(i => i.Id == invitationId).Select(i => new { i.ProgramId, i.OrganisationId }).SingleOrDefaultAsync(ct);
        if (target is null)
        {
            return new NotFound("No invitation with this id is visible to you.");
        }
        MentorshipProgram? program = null;
        if (target.ProgramId is { } programId)
        {
            var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId, ct);
            if (found.Failure is { } failure)
            {
                return failure is NotFound ? new NotFound("No invitation with this id is visible to you.") : failure;
            }
            program = found.Value!;
        }
        else if (await AddOrganisationMember.CheckManagerAsync(db, actor, target.OrganisationId, ct) is { } refused)
        {
            return refused is NotFound ? new NotFound("No invitation with this id is visible to you.") : refused;
        }
        var invitation = await db.Set<Invitation>().SingleAsync(i => i.Id == invitationId, ct);
        return (invitation, program);
    }
}
