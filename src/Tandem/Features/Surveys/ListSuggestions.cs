using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>A program's suggestion box for its coordinators: unanswered first, then by week; the author only for a suggestion made with a name.</summary>
public sealed class ListSuggestions(TandemDb db, ProgramAccess programs)
{
    public async Task<Outcome<Paged<SuggestionView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators read its suggestion box.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var box = db.Set<Suggestion>().Where(s => s.ProgramId == programId);
        var total = await box.CountAsync(ct);
        var items = await box
            // The random id, never a time, orders suggestions within a week.
            .OrderBy(s => s.Answer != null).ThenByDescending(s => s.Week).ThenBy(s => s.Id)
            .Page(paging)
            .Select(s => new SuggestionView(s.Id, s.ProgramId, s.Text, s.AuthorUserId == null,
                db.Users.Where(u => u.Id == s.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault(), s.Week, s.SubmittedAt,
                s.Answer, s.AnsweredAt, db.Users.Where(u => u.Id == s.AnsweredByUserId).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(ct);
        return paging.Of(items, total);
    }
}
