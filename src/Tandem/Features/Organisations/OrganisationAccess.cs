using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Organisations;

/// <summary>Who manages an organisation: its coordinators, and administrators.</summary>
public static class OrganisationAccess
{
    /// <summary>Null when the actor manages the organisation; 404 when they are not in it, 403 when they are a plain member.</summary>
    public static async Task<Failure?> CheckManagerAsync(TandemDb db, Actor actor, Guid organisationId, CancellationToken ct)
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
