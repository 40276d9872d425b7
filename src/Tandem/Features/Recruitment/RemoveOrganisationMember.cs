using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// A coordinator of the organisation (or an administrator) removes a member. Refused, saying why, when the member is
/// the organisation's only working coordinator (someone must be able to run it) or takes part in one of its programs that
/// is not closed (withdraw them there first, so no relationship or review is left half-owned). In the same commit their
/// coordinator and staff enrolments in the organisation's closed programs end (a closed program can still be opened,
/// exported and reopened by those who ran it; participant enrolments stay, as the program's record), and the
/// organisation's open invitations to their address are revoked (so they cannot rejoin by clicking an old link, ADR 107).
/// What the membership gave them in other features ends with it (<see cref="IMembershipEndingListener"/>).
/// A member removed by another request meanwhile is answered 404, as a repeated removal is (ADR 94). The checks and the
/// removal run behind the organisation's row lock (<see cref="OrganisationLock"/>, ADR 119).
/// </summary>
public sealed class RemoveOrganisationMember(TandemDb db, IEnumerable<IMembershipEndingListener> endingListeners,
    IEnumerable<IEnrolmentRemovedListener> enrolmentListeners, TimeProvider clock)
{
    public const string NotAMember = "This person is not a member of the organisation.";

    public async Task<Outcome<Removed>> RunAsync(Actor actor, Guid organisationId, Guid userId, CancellationToken ct = default)
    {
        var check = await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct);
        if (check is not null)
        {
            return check;
        }
        List<(Guid Id, Guid ProgramId)> runningRoles;
        // Read, checked and written behind the organisation's row lock (ADR 119): two coordinators removing (or demoting)
        // each other at once are taken one after the other, and the second finds the first the only coordinator left.
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await OrganisationLock.TakeAsync(db, organisationId, ct))
            {
                return new NotFound(NotAMember);
            }
            var membership = await db.OrganisationMemberships.Include(m => m.User)
                .SingleOrDefaultAsync(m => m.OrganisationId == organisationId && m.UserId == userId, ct);
            if (membership is null)
            {
                return new NotFound(NotAMember);
            }
            if (await OnlyCoordinatorAsync(db, membership, ct))
            {
                return new Conflict($"{membership.User!.DisplayName} is the organisation's only coordinator: make someone else coordinator first.");
            }
            var programs = await db.Enrolments
                .Where(e => e.UserId == userId)
                .Join(db.Programs.Where(p => p.OrganisationId == organisationId && p.Status != ProgramStatus.Closed), e => e.ProgramId, p => p.Id, (e, p) => p.Name)
                .Distinct().OrderBy(n => n).ToListAsync(ct);
            if (programs.Count > 0)
            {
                return new Conflict($"{membership.User!.DisplayName} takes part in {string.Join(", ", programs)}: withdraw them there first, or wait until the program closes.");
            }
            var now = clock.GetUtcNow().UtcDateTime;
            // The roles that ran the organisation's closed programs end here (open ones were refused above).
            runningRoles = (await db.Enrolments
                .Where(e => e.UserId == userId && (e.Role == ProgramRole.Coordinator || e.Role == ProgramRole.Staff)
                    && db.Programs.Any(p => p.Id == e.ProgramId && p.OrganisationId == organisationId && p.Status == ProgramStatus.Closed))
                .Select(e => new { e.Id, e.ProgramId }).ToListAsync(ct)).Select(e => (e.Id, e.ProgramId)).ToList();
            var normalizedEmail = membership.User!.NormalizedEmail;
            var enrolmentIds = runningRoles.Select(e => e.Id).ToList();
            if (enrolmentIds.Count > 0)
            {
                await db.Enrolments.Where(e => enrolmentIds.Contains(e.Id)).ExecuteDeleteAsync(ct);
            }
            if (normalizedEmail is not null)
            {
                // A conditional update, as every revoke is (ADR 106): one accepted at this moment is not marked revoked.
                await db.Set<Invitation>()
                    .Where(i => i.OrganisationId == organisationId && i.NormalizedEmail == normalizedEmail
                        && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
                    .ExecuteUpdateAsync(s => s.SetProperty(i => i.RevokedAt, now), ct);
            }
            db.OrganisationMemberships.Remove(membership);
            // What the membership gave them goes in the same commit (a safeguarding lead stops reading the organisation's reports).
            foreach (var listener in endingListeners)
            {
                await listener.MembershipEndingAsync(organisationId, userId, ct);
            }
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsLostUpdate())
            {
                // Removed by another request since it was read (the button pressed twice): answered as a repeated removal is,
                // and nothing of this one is kept (the transaction is rolled back on disposal).
                return new NotFound(NotAMember);
            }
            await transaction.CommitAsync(ct);
        }
        // As a coordinator's removal of a staff enrolment does: places at the program's events they can no longer see go.
        foreach (var programId in runningRoles.Select(e => e.ProgramId).Distinct())
        {
            foreach (var listener in enrolmentListeners)
            {
                await listener.EnrolmentRemovedAsync(userId, programId, CancellationToken.None);
            }
        }
        return new Removed(userId);
    }

    /// <summary>
    /// Whether this membership is the organisation's last working coordinator: a coordinator whose account is not disabled
    /// (erased accounts are disabled too) and no other such coordinator. A disabled coordinator runs nothing, so they
    /// neither count as the other coordinator nor are kept as the last one.
    /// </summary>
    internal static async Task<bool> OnlyCoordinatorAsync(TandemDb db, OrganisationMembership membership, CancellationToken ct) =>
        membership.Role == OrganisationRole.Coordinator
        && !await db.Users.AnyAsync(u => u.Id == membership.UserId && u.IsDisabled, ct)
        && !await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == membership.OrganisationId && m.UserId != membership.UserId
            && m.Role == OrganisationRole.Coordinator && !m.User!.IsDisabled, ct);
}

public sealed record Removed(Guid UserId);
