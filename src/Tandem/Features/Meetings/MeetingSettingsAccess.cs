using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>
/// Who sees and changes an organisation's meeting settings: its coordinators and administrators. Members
/// of the organisation with another role get 403; everyone else 404 (the organisation is not visible).
/// </summary>
internal static class MeetingSettingsAccess
{
    public static async Task<Failure?> CheckAsync(TandemDb db, Actor actor, Guid organisationId, CancellationToken ct)
    {
        var visible = actor.IsAdministrator
            ? await db.Organisations.AnyAsync(o => o.Id == organisationId, ct)
            : await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == organisationId && m.UserId == actor.UserId, ct);
        if (!visible)
        {
            return new NotFound("No organisation with this id is visible to you.");
        }
        var manages = actor.IsAdministrator || await db.OrganisationMemberships.AnyAsync(m => m.OrganisationId == organisationId
            && m.UserId == actor.UserId && m.Role == OrganisationRole.Coordinator, ct);
        return manages ? null : new Forbidden("Only the organisation's coordinators choose how video links are made.");
    }
}
