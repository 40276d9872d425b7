using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
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
    Guid Id, Guid ProgramId, string Email, string FirstName, string LastName, ProgramRole Role, InvitationSource Source,
    InvitationStatus Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? SentAt, int SendCount, DateTime? AcceptedAt, DateTime? RevokedAt)
{
    public static InvitationView From(Invitation i, DateTime now) => new(
        i.Id, i.ProgramId, i.Email, i.FirstName, i.LastName, i.Role, i.Source, i.StatusAt(now),
        i.CreatedAt, i.ExpiresAt, i.SentAt, i.SendCount, i.AcceptedAt, i.RevokedAt);
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
        var invitation = new Invitation(programId, email, role, InvitationSource.Direct, actor.UserId == Guid.Empty ? null : actor.UserId,
            hash, now, now.AddDays(options.Value.InvitationLifetimeDays),
            new InviteeDetails(request.FirstName?.Trim() ?? "", request.LastName?.Trim() ?? "", null, null));
        db.Add(invitation);
        await db.SaveChangesAsync(ct);
        await mailer.SendAsync(program, [(invitation, token)], ct);
        return InvitationView.From(invitation, clock.GetUtcNow().UtcDateTime);
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
        if (RecruitmentRules.NotRecruitingProblem(program) is { } notRecruiting)
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
        await mailer.SendAsync(program, [(invitation, token)], ct);
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

public sealed record InvitationAcceptance(Guid InvitationId, Guid ProgramId, string ProgramName, ProgramRole Role, string ApplyPath);

/// <summary>What an invitation link is for, without using it (for the apply page to show before sign-in).</summary>
public sealed record InvitationPreview(Guid ProgramId, string ProgramName, ProgramRole Role, string Email, string FirstName, string LastName, InvitationStatus Status, DateTime ExpiresAt);

/// <summary>Looks an invitation link up without using it. Unknown tokens are not found.</summary>
public sealed class FindInvitation(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<InvitationPreview>> RunAsync(string token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new NotFound("This invitation link is not valid.");
        }
        var hash = Invitation.Hash(token);
        var found = await db.Set<Invitation>().AsNoTracking().Where(i => i.TokenHash == hash)
            .Join(db.Programs, i => i.ProgramId, p => p.Id, (i, p) => new { Invitation = i, ProgramName = p.Name })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return new NotFound("This invitation link is not valid. It may have been replaced by a newer one.");
        }
        var i = found.Invitation;
        return new InvitationPreview(i.ProgramId, found.ProgramName, i.Role, i.Email, i.FirstName, i.LastName, i.StatusAt(clock.GetUtcNow().UtcDateTime), i.ExpiresAt);
    }
}

/// <summary>
/// The invitee, signed in with the invited e-mail address, uses the link: it is marked used (once,
/// even under concurrent clicks), they join the organisation as a member so that they can apply,
/// and nominations naming their e-mail are linked to their account. Reused → 409, expired or
/// revoked → 410, someone else's → 403.
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
                return new Gone("This invitation was withdrawn by the program's coordinator.");
            case InvitationStatus.Expired:
                return new Gone($"This invitation expired on {invitation.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Ask the coordinator to send a new one.");
        }
        var program = await db.Programs.Where(p => p.Id == invitation.ProgramId).Select(p => new { p.Id, p.Name, p.OrganisationId }).SingleAsync(ct);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Conditional update: of two concurrent clicks exactly one wins.
        var won = await db.Set<Invitation>()
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, actor.UserId), ct);
        if (won == 0)
        {
            return new Conflict("This invitation has already been used. Each invitation link works once.");
        }
        if (!await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == program.OrganisationId && m.UserId == actor.UserId, ct))
        {
            db.OrganisationMemberships.Add(new OrganisationMembership(program.OrganisationId, actor.UserId, OrganisationRole.Member, now));
            await db.SaveChangesAsync(ct);
        }
        await db.Set<Nomination>()
            .Where(n => n.ProgramId == program.Id && n.NomineeUserId == null && n.NomineeEmail.ToUpper() == invitation.NormalizedEmail)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.NomineeUserId, actor.UserId), ct);
        await transaction.CommitAsync(ct);
        return new InvitationAcceptance(invitation.Id, program.Id, program.Name, invitation.Role, $"/apply/{program.Id}/{invitation.Role.Slug()}");
    }

    private static string Mask(string email)
    {
        var at = email.IndexOf('@');
        return at <= 1 ? email : $"{email[0]}…{email[(at - 1)..]}";
    }
}

internal static class InvitationLookup
{
    public static async Task<Outcome<(Invitation, MentorshipProgram)>> FindManageableAsync(TandemDb db, ProgramAccess access, Actor actor, Guid invitationId, CancellationToken ct)
    {
        var programId = await db.Set<Invitation>().Where(i => i.Id == invitationId).Select(i => (Guid?)i.ProgramId).SingleOrDefaultAsync(ct);
        if (programId is null)
        {
            return new NotFound("No invitation with this id is visible to you.");
        }
        var found = await RecruitmentRules.FindManageableAsync(db, access, actor, programId.Value, ct);
        if (found.Failure is { } failure)
        {
            return failure is NotFound ? new NotFound("No invitation with this id is visible to you.") : failure;
        }
        var invitation = await db.Set<Invitation>().SingleAsync(i => i.Id == invitationId, ct);
        return (invitation, found.Value!);
    }
}
