using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>
/// A coordinator of the organisation (or an administrator) removes a member. Refused, saying why, when the member is
/// the organisation's only coordinator (someone must be able to run it) or takes part in one of its programs that is
/// not closed (withdraw them there first, so no relationship or review is left half-owned). What the membership gave
/// them in other features ends with it (<see cref="IMembershipEndingListener"/>).
/// </summary>
public sealed class RemoveOrganisationMember(TandemDb db, IEnumerable<IMembershipEndingListener> endingListeners)
{
    public async Task<Outcome<Removed>> RunAsync(Actor actor, Guid organisationId, Guid userId, CancellationToken ct = default)
    {
        var check = await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct);
        if (check is not null)
        {
            return check;
        }
        var membership = await db.OrganisationMemberships.Include(m => m.User)
            .SingleOrDefaultAsync(m => m.OrganisationId == organisationId && m.UserId == userId, ct);
        if (membership is null)
        {
            return new NotFound("This person is not a member of the organisation.");
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
        db.OrganisationMemberships.Remove(membership);
        // What the membership gave them goes in the same save (a safeguarding lead stops reading the organisation's reports).
        foreach (var listener in endingListeners)
        {
            await listener.MembershipEndingAsync(organisationId, userId, ct);
        }
        await db.SaveChangesAsync(ct);
        return new Removed(userId);
    }

    /// <summary>Whether this membership is the organisation's last coordinator.</summary>
    internal static async Task<bool> OnlyCoordinatorAsync(TandemDb db, OrganisationMembership membership, CancellationToken ct) =>
        membership.Role == OrganisationRole.Coordinator
        && !await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == membership.OrganisationId && m.UserId != membership.UserId
            && m.Role == OrganisationRole.Coordinator, ct);
}

public sealed record Removed(Guid UserId);
