using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A program's suggestion box for its coordinators: unanswered first, then by week; the author only for a suggestion made
/// with a name. The read of minors' named suggestions on the page is written to the audit log first (ADR 40, ADR 115).
/// </summary>
public sealed class ListSuggestions(TandemDb db, ProgramAccess programs, AuditLog audit)
{
    public const string Purpose = "Reading named suggestions";

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
            .Select(s => new
            {
                s.AuthorUserId,
                View = new SuggestionView(s.Id, s.ProgramId, s.Text, s.AuthorUserId == null,
                    db.Users.Where(u => u.Id == s.AuthorUserId).Select(u => u.DisplayName).FirstOrDefault(), s.Week, s.SubmittedAt,
                    s.Answer, s.AnsweredAt, db.Users.Where(u => u.Id == s.AnsweredByUserId).Select(u => u.DisplayName).FirstOrDefault()),
            })
            .ToListAsync(ct);
        var authors = items.Where(i => i.AuthorUserId is not null).Select(i => i.AuthorUserId!.Value).Distinct().ToList();
        if (authors.Count > 0)
        {
            await audit.RecordAsync(actor, authors, AuditRecord.Suggestion, null, programId, Purpose, ct);
        }
        return paging.Of(items.Select(i => i.View).ToList(), total);
    }
}
