using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

public sealed record SafeguardingLeadView(Guid UserId, string DisplayName, DateTime DesignatedAt);

/// <summary>
/// An organisation's coordinator (or an administrator) designates a member of the organisation as a safeguarding
/// lead, or withdraws the designation (ADR 23). Leads read and handle the organisation's safeguarding reports; a
/// disabled account is not designated (409, ADR 116).
/// </summary>
public sealed class DesignateSafeguardingLead(TandemDb db, TimeProvider clock)
{
    public async Task<Outcome<SafeguardingLeadView?>> RunAsync(Actor actor, Guid organisationId, Guid userId, bool designated, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var member = await db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && m.UserId == userId)
            .Select(m => new { m.UserId, m.User!.DisplayName, IsDisabled = m.User!.IsDisabled }).SingleOrDefaultAsync(ct);
        if (!designated)
        {
            // One conditional delete: withdrawn twice at once, both are told it is done; a lead no longer a member (left
            // over from before removal took the designation with it) is withdrawn all the same.
            var withdrawn = await db.Set<SafeguardingLead>().Where(l => l.OrganisationId == organisationId && l.UserId == userId).ExecuteDeleteAsync(ct);
            return withdrawn == 0 && member is null ? new NotFound("No member with this id in the organisation.") : (SafeguardingLeadView?)null;
        }
        if (member is null)
        {
            return new NotFound("No member with this id in the organisation.");
        }
        if (member.IsDisabled)
        {
            // A disabled (or erased) account reads nothing: designated, it would hide that the organisation has no lead (ADR 116).
            return new Conflict($"{member.DisplayName}'s account is disabled, so they cannot read safeguarding reports: designate someone whose account works.");
        }
        var lead = await db.Set<SafeguardingLead>().SingleOrDefaultAsync(l => l.OrganisationId == organisationId && l.UserId == userId, ct);
        if (lead is null)
        {
            lead = new SafeguardingLead(organisationId, userId, actor.UserId, clock.GetUtcNow().UtcDateTime);
            db.Add(lead);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                // Designated at the same moment by someone else: the designation stands either way.
                db.Entry(lead).State = EntityState.Detached;
                lead = await db.Set<SafeguardingLead>().AsNoTracking().SingleAsync(l => l.OrganisationId == organisationId && l.UserId == userId, ct);
            }
        }
        return new SafeguardingLeadView(member.UserId, member.DisplayName, lead.DesignatedAt);
    }
}
