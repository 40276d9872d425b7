using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>The surveys the reader was asked to answer: those still to answer first, then the newest.</summary>
public sealed class ListMySurveys(TandemDb db, SurveyAccess access, TimeProvider clock)
{
    public async Task<Outcome<Paged<MySurveySummary>>> RunAsync(Actor actor, int page, int pageSize, CancellationToken ct = default)
    {
        var paging = PageRequest.Clamp(page, pageSize);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var mine = access.MyInvitations(actor).Join(db.Set<Survey>(), i => i.SurveyId, s => s.Id, (i, s) => new { i, s })
            // Opened: an organisation's roster is recorded when the survey is built, but asked only once it opens.
            .Where(x => x.s.OpenedAt != null);
        var items = await Page(db, actor.UserId, today, paging.Skip, paging.PageSize).ToListAsync(ct);
        return paging.Of(items, await paging.TotalAsync(mine, items.Count, ct));
    }

    /// <summary>
    /// The page, compiled once (issue 17, ADR 67): every participant's home asks for it. The same invitations as
    /// <see cref="SurveyAccess.MyInvitations"/> (the reader's own, where they still belong), opened surveys only. A disabled
    /// account cannot sign in to read it.
    /// </summary>
    private static readonly Func<TandemDb, Guid, DateOnly, int, int, IAsyncEnumerable<MySurveySummary>> Page =
        EF.CompileAsyncQuery((TandemDb db, Guid userId, DateOnly today, int skip, int take) => db.Set<SurveyInvitation>()
            .Where(i => i.UserId == userId)
            .Join(db.Set<Survey>(), i => i.SurveyId, s => s.Id, (i, s) => new { i, s })
            .Where(x => x.s.OpenedAt != null)
            // As SurveyAccess.Current: someone removed from the program (or organisation) since no longer sees it.
            .Where(x => x.s.ProgramId != null
                ? db.Enrolments.Any(e => e.ProgramId == x.s.ProgramId && e.UserId == userId)
                : db.OrganisationMemberships.Any(m => m.OrganisationId == x.s.OrganisationId && m.UserId == userId))
            .OrderBy(x => x.i.Answered || x.s.Status == SurveyStatus.Closed).ThenByDescending(x => x.i.InvitedAt).ThenByDescending(x => x.i.Id)
            .Skip(skip).Take(take)
            .Select(x => new MySurveySummary(x.i.Id, x.s.Title, x.s.ProgramId, db.Programs.Where(p => p.Id == x.s.ProgramId).Select(p => p.Name).FirstOrDefault(),
                x.s.Anonymous, x.i.Answered, !x.i.Answered && x.s.Status == SurveyStatus.Open && (x.s.ClosesOn == null || x.s.ClosesOn >= today),
                x.i.InvitedAt, x.s.ClosesOn)));
}
