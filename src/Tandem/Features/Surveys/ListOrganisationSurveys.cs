using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>An organisation's surveys that belong to no program (needs assessments), newest first, for its coordinators.</summary>
public sealed class ListOrganisationSurveys(TandemDb db, SurveyAccess access)
{
    public async Task<Outcome<Paged<SurveySummary>>> RunAsync(Actor actor, Guid organisationId, int page, int pageSize, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } refused)
        {
            return refused;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var surveys = access.Managed(actor).Where(s => s.OrganisationId == organisationId && s.ProgramId == null);
        var total = await surveys.CountAsync(ct);
        var invitations = db.Set<SurveyInvitation>();
        var items = await surveys.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Page(paging)
            .Select(s => new SurveySummary(s.Id, s.ProgramId, s.Kind, s.Title, s.Anonymous, s.Trigger, s.Status,
                invitations.Count(i => i.SurveyId == s.Id), invitations.Count(i => i.SurveyId == s.Id && i.Answered), s.CreatedAt, s.SentAt))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
