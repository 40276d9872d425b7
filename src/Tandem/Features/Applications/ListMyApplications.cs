using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Applications;

public sealed record MyApplicationSummary(
    Guid Id, Guid ProgramId, string ProgramName, ProgramRole Role, ApplicationStatus Status,
    DateTime UpdatedAt, DateTime? SubmittedAt, DateTime? DecidedAt, string? DecisionMessage);

/// <summary>The actor's applications across programs, newest first, with their status.</summary>
public sealed class ListMyApplications(TandemDb db)
{
    public async Task<Paged<MyApplicationSummary>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var mine = db.Set<Application>().Where(a => a.UserId == actor.UserId);
        var total = await mine.CountAsync(ct);
        var items = await mine
            .OrderByDescending(a => a.UpdatedAt).ThenBy(a => a.Id)
            .Page(paging)
            .Select(a => new MyApplicationSummary(a.Id, a.ProgramId,
                db.Programs.Where(p => p.Id == a.ProgramId).Select(p => p.Name).Single(),
                a.Role, a.Status, a.UpdatedAt, a.SubmittedAt, a.DecidedAt, a.DecisionMessage))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
