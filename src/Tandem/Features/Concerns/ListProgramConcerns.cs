using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Concerns;

/// <summary>
/// The concerns of a program the caller handles: open ones first (oldest first, so the overdue are on top), then the
/// closed, newest first. A coordinator who is not a safeguarding lead does not see safeguarding reports in it.
/// </summary>
public sealed class ListProgramConcerns(TandemDb db, ConcernAccess access, TimeProvider clock)
{
    public async Task<Outcome<ProgramConcernsView>> RunAsync(Actor actor, Guid programId, int page, int pageSize, ConcernState? state, CancellationToken ct = default)
    {
        if (state is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field("state", "Filter by one of the states: Received, Acknowledged, MediationScheduled, MediationHeld, Resolved, Escalated.");
        }
        var found = await access.FindProgramAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var now = clock.GetUtcNow().UtcDateTime;
        var handled = access.Handled(actor).Where(c => c.ProgramId == programId);
        if (state is { } s)
        {
            handled = handled.Where(c => c.State == s);
        }
        var total = await handled.CountAsync(ct);
        var rows = await handled
            .OrderBy(c => c.State == ConcernState.Resolved || c.State == ConcernState.Escalated ? 1 : 0)
            .ThenBy(c => c.State == ConcernState.Resolved || c.State == ConcernState.Escalated ? DateTime.MinValue : c.ReportedAt)
            .ThenByDescending(c => c.ReportedAt).ThenBy(c => c.Id)
            .Page(paging)
            .Select(c => new
            {
                c.Id, c.Category, c.State, c.ReportedAt, c.AcknowledgeBy, c.MediationAt,
                Reporter = db.Users.Where(u => u.Id == c.ReporterUserId).Select(u => u.DisplayName).FirstOrDefault(),
                Subject = db.Users.Where(u => u.Id == c.SubjectUserId).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var items = rows.Select(r => new ConcernSummary(r.Id, r.Category, r.State, r.Reporter ?? "(deleted account)", r.Subject,
            r.ReportedAt, r.AcknowledgeBy, r.State == ConcernState.Received && r.AcknowledgeBy <= now, r.MediationAt)).ToList();
        return new ProgramConcernsView(programId, found.Value!.Name, paging.Of(items, total));
    }
}
