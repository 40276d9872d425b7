using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Organisations;

/// <summary>Organisations the actor belongs to (administrators: all), one page at a time.</summary>
public sealed class ListOrganisations(TandemDb db)
{
    public async Task<Paged<OrganisationView>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var organisations = actor.IsAdministrator
            ? db.Organisations
            : db.Organisations.Where(o => o.Members.Any(m => m.UserId == actor.UserId));
        var total = await organisations.CountAsync(ct);
        var items = await organisations.OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Page(paging)
            .Select(o => new OrganisationView(o.Id, o.Name, o.Kind, o.IncludesMinors, o.Members.Count,
                o.Members.Where(m => m.UserId == actor.UserId).Select(m => (OrganisationRole?)m.Role).FirstOrDefault()))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
