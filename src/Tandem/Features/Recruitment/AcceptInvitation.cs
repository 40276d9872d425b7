using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// The invitee, signed in with the invited e-mail address, uses the link: it is marked used (once, even under
/// concurrent clicks), and in the same transaction they join the organisation (as a member, or with the invited
/// organisation role), are enrolled in the program when the invitation says so, and nominations naming their
/// e-mail are linked to their account. This is the only way an account joins an organisation at a coordinator's
/// request: the person owning the address agrees by accepting. Reused → 409, expired or revoked → 410, someone
/// else's → 403. An invitation to be enrolled is refused (409, the link left unused) in a program retention anonymised, and
/// as a mentor, mentee or peer in a closed one (ADR 119).
/// </summary>
public sealed class AcceptInvitation(TandemDb db, IProgramRetention retention, TimeProvider clock)
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
            ? await db.Programs.Where(p => p.Id == programId).Select(p => new { p.Id, p.Name, p.Status }).SingleAsync(ct)
            : null;
        if (invitation.Purpose == InvitationPurpose.Enrol && program is not null
            && await RecruitmentRules.EnrolmentProblemAsync(retention, program.Id, program.Status, invitation.Role ?? ProgramRole.Mentee, ct) is { } refused)
        {
            return refused;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Conditional update: of two concurrent clicks exactly one wins.
        var won = await db.Set<Invitation>()
            .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, actor.UserId), ct);
        if (won == 0)
        {
            return new Conflict("This invitation has already been used. Each invitation link works once.");
        }
        var organisationRole = invitation.OrganisationRole ?? OrganisationRole.Member;
        async Task StageJoiningAsync()
        {
            var membership = await db.OrganisationMemberships.SingleOrDefaultAsync(m => m.OrganisationId == invitation.OrganisationId && m.UserId == actor.UserId, ct);
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
        }
        await StageJoiningAsync();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Someone added them (an administrator, a coordinator enrolling them) between the check and the insert. The save
            // rolled back to its savepoint, so the claim above stands: they join as if that had come a moment earlier.
            foreach (var added in db.ChangeTracker.Entries().Where(x => x.State == EntityState.Added).ToList())
            {
                added.State = EntityState.Detached;
            }
            await StageJoiningAsync();
            await db.SaveChangesAsync(ct);
        }
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
