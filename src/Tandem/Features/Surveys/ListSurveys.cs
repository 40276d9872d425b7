using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>A program's surveys, newest first, with how many were asked and answered, for its coordinators.</summary>
public sealed class ListSurveys(TandemDb db, ProgramAccess programs, SurveyAccess access)
{
    public async Task<Outcome<Paged<SurveySummary>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators see its surveys.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var surveys = access.Managed(actor).Where(s => s.ProgramId == programId);
        var total = await surveys.CountAsync(ct);
        var invitations = db.Set<SurveyInvitation>();
        var items = await surveys.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Page(paging)
            .Select(s => new SurveySummary(s.Id, s.ProgramId, s.Kind, s.Title, s.Anonymous, s.Trigger, s.Status,
                invitations.Count(i => i.SurveyId == s.Id), invitations.Count(i => i.SurveyId == s.Id && i.Answered), s.CreatedAt, s.SentAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
