using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>
/// An organisation's designated safeguarding leads who read its reports (<see cref="ConcernAccess.CurrentLeads"/>), for
/// its coordinators and administrators: an erased or disabled lead's kept row is no lead, so it is not listed (ADR 116).
/// </summary>
public sealed class ListSafeguardingLeads(TandemDb db, ConcernAccess access)
{
    public async Task<Outcome<Paged<SafeguardingLeadView>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var leads = access.CurrentLeads().Where(l => l.OrganisationId == organisationId);
        var total = await leads.CountAsync(ct);
        var items = await leads.Join(db.Users, l => l.UserId, u => u.Id, (l, u) => new { u.Id, u.DisplayName, l.DesignatedAt })
            .OrderBy(l => l.DisplayName).ThenBy(l => l.Id).Page(paging)
            .Select(l => new SafeguardingLeadView(l.Id, l.DisplayName, l.DesignatedAt)).ToListAsync(ct);
        return paging.Of(items, total);
    }

    /// <summary>
    /// The organisation's enabled coordinators who are not leads yet, by name, suggested on the leads page (at most 50; any
    /// member can be designated by address). The caller has checked the reader manages the organisation.
    /// </summary>
    public async Task<IReadOnlyList<MemberView>> SuggestionsAsync(Guid organisationId, CancellationToken ct = default)
    {
        var leads = access.CurrentLeads().Where(l => l.OrganisationId == organisationId).Select(l => l.UserId);
        return await db.OrganisationMemberships.AsNoTracking()
            .Where(m => m.OrganisationId == organisationId && m.Role == OrganisationRole.Coordinator && !m.User!.IsDisabled && !leads.Contains(m.UserId))
            .OrderBy(m => m.User!.DisplayName).ThenBy(m => m.UserId).Take(50)
            .Select(m => new MemberView(m.UserId, m.User!.DisplayName, m.User.Email ?? "", m.Role, m.JoinedAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// How many of the organisation's open safeguarding reports no current lead may read, because each lead is someone the
    /// report involves (ADR 130): the leads page asks for another lead. The caller has checked the reader manages the
    /// organisation; the count says nothing about who is involved.
    /// </summary>
    public Task<int> UnreadableReportsAsync(Guid organisationId, CancellationToken ct = default)
    {
        var leads = access.CurrentLeads().Where(l => l.OrganisationId == organisationId);
        var about = access.About();
        return db.Set<Concern>().Where(c => c.OrganisationId == organisationId && c.Category == ConcernCategory.Safeguarding
                && c.State != ConcernState.Resolved && c.State != ConcernState.Escalated
                && !leads.Any(l => !about.Any(a => a.ConcernId == c.Id && a.UserId == l.UserId)))
            .CountAsync(ct);
    }
}
