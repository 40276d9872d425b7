using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Programs;

public sealed record ProgramListQuery(int Page = 1, int PageSize = 20, ProgramStatus? Status = null, string? Search = null);

/// <summary>The programs the actor can see, newest first, one page at a time.</summary>
public sealed class ListPrograms(TandemDb db, ProgramAccess access)
{
    public async Task<Paged<ProgramSummary>> RunAsync(Actor actor, ProgramListQuery query, CancellationToken ct = default)
    {
        var page = PageRequest.Clamp(query.Page, query.PageSize);
        var programs = access.Visible(actor);
        if (query.Status is { } status)
        {
            programs = programs.Where(p => p.Status == status);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var term = query.Search.Trim().ToLower();
            programs = programs.Where(p => p.Name.ToLower().Contains(term));
        }
        var total = await programs.CountAsync(ct);
        var items = await programs
            .OrderByDescending(p => p.CreatedAt).ThenBy(p => p.Id)
            .Page(page)
            .Select(p => new ProgramSummary(
                p.Id, p.Name, p.OrganisationId,
                db.Organisations.Where(o => o.Id == p.OrganisationId).Select(o => o.Name).First(),
                p.Status, p.Pairing, p.StartsOn, p.EndsOn,
                p.ParticipantCount))
            .ToListAsync(ct);
        return page.Of(items, total);
    }
}
