using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// Anyone in a program puts a suggestion in its box, open even after the program closed. Anonymous (the default) stores the
/// text, the program and the week, nothing else; nobody is notified, so no notification's time points at the
/// moment it was made. Coordinators see new suggestions in the box. Once the retention job anonymised the closed program's
/// data the box takes no more (409): a suggestion made after would be kept forever (ADR 99).
/// </summary>
public sealed class MakeSuggestion(TandemDb db, ProgramAccess programs, IProgramRetention retention, TimeProvider clock)
{
    public async Task<Outcome<SuggestionReceived>> RunAsync(Actor actor, Guid programId, MakeSuggestionRequest request, CancellationToken ct = default)
    {
        if (!await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(SurveyText.Retained);
        }
        var text = request.Text?.Trim() ?? "";
        if (text.Length < 2 || text.Length > Suggestion.TextMax)
        {
            return Invalid.Field("text", $"Write your suggestion in 2 to {Suggestion.TextMax} characters.");
        }
        db.Add(new Suggestion(programId, text, request.Anonymous ? null : actor.UserId, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        return new SuggestionReceived(programId, request.Anonymous, request.Anonymous
            ? "Thank you. Your suggestion was stored with no link to you."
            : "Thank you. Your suggestion was stored with your name.");
    }
}
