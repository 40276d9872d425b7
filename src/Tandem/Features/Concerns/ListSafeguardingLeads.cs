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
}
