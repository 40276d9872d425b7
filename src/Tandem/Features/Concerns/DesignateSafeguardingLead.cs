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
    /// <summary>
    /// The page's designation, by the member's e-mail address: an organisation may have thousands of members (its students
    /// too), more than a list can offer (ADR 130). An address that is no member's is a message on the field (400), the address kept.
    /// </summary>
    public async Task<Outcome<SafeguardingLeadView?>> ByEmailAsync(Actor actor, Guid organisationId, string? email, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        // Normalised as Identity stores it (ASP.NET Core's UpperInvariantLookupNormalizer), as invitations compare addresses.
        var normalized = string.IsNullOrWhiteSpace(email) ? "" : email.Trim().ToUpperInvariant();
        if (normalized.Length == 0)
        {
            return Invalid.Field("email", "Type the member's e-mail address.");
        }
        var userId = await db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && m.User!.NormalizedEmail == normalized)
            .Select(m => (Guid?)m.UserId).SingleOrDefaultAsync(ct);
        return userId is { } id
            ? await RunAsync(actor, organisationId, id, designated: true, ct)
            : Invalid.Field("email", "No member of the organisation has this e-mail address.");
    }

    public async Task<Outcome<SafeguardingLeadView?>> RunAsync(Actor actor, Guid organisationId, Guid userId, bool designated, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        // Read, checked and written behind the organisation's row lock (ADR 119, 130): a designation made while the person is
        // removed from the organisation waits for the removal and then finds no member, so no lead row outlives a membership
        // (it would come back, unseen, if they joined again).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await OrganisationLock.TakeAsync(db, organisationId, ct))
        {
            return new NotFound("No such organisation.");
        }
        var member = await db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId && m.UserId == userId)
            .Select(m => new { m.UserId, m.User!.DisplayName, IsDisabled = m.User!.IsDisabled }).SingleOrDefaultAsync(ct);
        if (!designated)
        {
            // Withdrawn twice at once, both are told it is done; a lead no longer a member (left over from before removal took
            // the designation with it) is withdrawn all the same.
            var withdrawn = await db.Set<SafeguardingLead>().Where(l => l.OrganisationId == organisationId && l.UserId == userId).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
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
        // Under the lock a designation made at the same moment waits and then finds this one: the designation stands either way.
        var lead = await db.Set<SafeguardingLead>().AsNoTracking().SingleOrDefaultAsync(l => l.OrganisationId == organisationId && l.UserId == userId, ct);
        if (lead is null)
        {
            lead = new SafeguardingLead(organisationId, userId, actor.UserId, clock.GetUtcNow().UtcDateTime);
            db.Add(lead);
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new SafeguardingLeadView(member.UserId, member.DisplayName, lead.DesignatedAt);
    }
}
