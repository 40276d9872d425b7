using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>The suggestions a coordinator answered publicly, newest answer first, for everyone in the program: text and answer, never who made it.</summary>
public sealed class ListAnsweredSuggestions(TandemDb db, ProgramAccess programs)
{
    public async Task<Outcome<Paged<PublicSuggestionView>>> RunAsync(Actor actor, Guid programId, int page, int pageSize, CancellationToken ct = default)
    {
        if (!await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var answered = db.Set<Suggestion>().Where(s => s.ProgramId == programId && s.Answer != null);
        var total = await answered.CountAsync(ct);
        var rows = await answered.OrderByDescending(s => s.AnsweredAt).ThenBy(s => s.Id).Page(paging)
            .Select(s => new { s.Id, s.Text, s.Answer, s.AnsweredAt }).ToListAsync(ct);
        return paging.Of(rows.Select(s => new PublicSuggestionView(s.Id, s.Text, s.Answer!, DateOnly.FromDateTime(s.AnsweredAt!.Value))).ToList(), total);
    }
}
