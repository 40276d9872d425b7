using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

/// <summary>The program's channels with their views, starts and submissions, for its coordinators.</summary>
public sealed class ListRecruitmentChannels(TandemDb db, ProgramAccess access)
{
    public async Task<Outcome<Paged<RecruitmentChannelView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var channels = db.Set<RecruitmentChannel>().Where(c => c.ProgramId == programId);
        var total = await channels.CountAsync(ct);
        var rows = await channels.OrderBy(c => c.Name).ThenBy(c => c.Id).Page(paging).AsNoTracking().ToListAsync(ct);
        return paging.Of(rows.Select(View).ToList(), total);
    }

    internal static RecruitmentChannelView View(RecruitmentChannel c) =>
        new(c.Id, c.ProgramId, c.Name, c.Code, $"/r/{c.Code}", c.Views, c.Starts, c.Submissions, c.CreatedAt);
}
