using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Organisations;

/// <summary>The organisation's members, for its coordinators and administrators.</summary>
public sealed class ListOrganisationMembers(TandemDb db)
{
    public async Task<Outcome<Paged<MemberView>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        var check = await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct);
        if (check is not null)
        {
            return check;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var members = db.OrganisationMemberships.Where(m => m.OrganisationId == organisationId);
        var total = await members.CountAsync(ct);
        var items = await members.OrderBy(m => m.User!.DisplayName).ThenBy(m => m.UserId)
            .Page(paging)
            .Select(m => new MemberView(m.UserId, m.User!.DisplayName, m.User.Email ?? "", m.Role, m.JoinedAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
