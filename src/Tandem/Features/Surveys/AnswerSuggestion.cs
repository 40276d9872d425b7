using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A coordinator answers a suggestion publicly: the suggestion and the answer are shown to everyone in the program,
/// who are told in the app (and by e-mail, their preference) where to read it, unless the program may not contact them
/// (ADR 48) or their account is disabled. Answering again corrects the answer, telling nobody. Once retention anonymised
/// the program's data (the answers included) nothing more is answered (409): the answer would be kept and tell a program
/// long closed (ADR 115). The response names a minor who gave their name, so it is audited first (ADR 40).
/// </summary>
public sealed class AnswerSuggestion(TandemDb db, ProgramAccess programs, IProgramRetention retention, Notify notify, AuditLog audit, TimeProvider clock)
{
    public async Task<Outcome<SuggestionView>> RunAsync(Actor actor, Guid suggestionId, AnswerSuggestionRequest request, CancellationToken ct = default)
    {
        var suggestion = await db.Set<Suggestion>().SingleOrDefaultAsync(s => s.Id == suggestionId, ct);
        if (suggestion is null || !await programs.Visible(actor).AnyAsync(p => p.Id == suggestion.ProgramId, ct))
        {
            return new NotFound("No suggestion with this id is visible to you.");
        }
        var found = await programs.FindManagedAsync(actor, suggestion.ProgramId, ct, "Only the program's coordinators answer its suggestions.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (await retention.AnonymisedAtAsync(suggestion.ProgramId, ct) is not null)
        {
            return new Conflict(SurveyText.Retained);
        }
        var answer = request.Answer?.Trim() ?? "";
        if (answer.Length < 2 || answer.Length > Suggestion.AnswerMax)
        {
            return Invalid.Field("answer", $"Write the answer in 2 to {Suggestion.AnswerMax} characters.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        suggestion.AnswerPublicly(answer, actor.UserId, now);
        // The first answer is a claim (only while there is none): of two coordinators answering at once, one tells the
        // program and the other's answer corrects it, telling nobody.
        var first = await db.Set<Suggestion>().Where(s => s.Id == suggestion.Id && s.Answer == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Answer, answer).SetProperty(s => s.AnsweredByUserId, actor.UserId)
                .SetProperty(s => s.AnsweredAt, now), ct) == 1;
        if (first)
        {
            db.Entry(suggestion).State = EntityState.Unchanged;
            var people = await db.Enrolments.Where(e => e.ProgramId == suggestion.ProgramId && e.UserId != actor.UserId && !e.User!.IsDisabled)
                .Select(e => e.UserId).Distinct().ToListAsync(ct);
            var program = found.Value!;
            // Neither the suggestion nor the answer is copied into the notice: a notice outlives the suggestion's erasure
            // and the program's retention, so it says where to read them, nothing more.
            await notify.ToProgramAsync(program.Id, people.Select(p => new NotificationMessage(p, NotificationKind.Surveys,
                $"A suggestion was answered in {program.Name}", $"A coordinator answered a suggestion in the suggestion box of {program.Name}. Read it in the box.",
                $"/programs/{program.Id}/suggestions")).ToList(), ct);
        }
        else
        {
            await db.SaveChangesAsync(ct);
        }
        if (suggestion.AuthorUserId is { } named)
        {
            await audit.RecordAsync(actor, [named], AuditRecord.Suggestion, suggestion.Id, suggestion.ProgramId, ListSuggestions.Purpose, ct);
        }
        var names = await db.Users.Where(u => u.Id == suggestion.AuthorUserId || u.Id == actor.UserId).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return new SuggestionView(suggestion.Id, suggestion.ProgramId, suggestion.Text, suggestion.IsAnonymous,
            suggestion.AuthorUserId is { } author ? names.GetValueOrDefault(author) : null, suggestion.Week, suggestion.SubmittedAt,
            suggestion.Answer, suggestion.AnsweredAt, names.GetValueOrDefault(actor.UserId));
    }
}
