using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A survey the reader was asked to answer, with its questions. After answering a named survey they read their own
/// answers back; an anonymous answer is linked to nobody, so not to them either.
/// </summary>
public sealed class GetMySurvey(TandemDb db, SurveyAccess access, TimeProvider clock)
{
    public async Task<Outcome<MySurveyForm>> RunAsync(Actor actor, Guid invitationId, CancellationToken ct = default)
    {
        var found = await access.MyInvitations(actor).Where(i => i.Id == invitationId)
            .Join(db.Set<Survey>(), i => i.SurveyId, s => s.Id, (i, s) => new { Invitation = i, Survey = s })
            .Where(x => x.Survey.OpenedAt != null)
            .AsNoTracking().SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return new NotFound("No survey of yours has this id.");
        }
        var (invitation, survey) = (found.Invitation, found.Survey);
        var programName = survey.ProgramId is null ? null : await db.Programs.Where(p => p.Id == survey.ProgramId).Select(p => p.Name).SingleOrDefaultAsync(ct);
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? mine = null;
        if (invitation.Answered && !survey.Anonymous)
        {
            var json = await db.Set<SurveyResponse>().Where(r => r.InvitationId == invitation.Id && r.UserId == actor.UserId).Select(r => r.AnswersJson).SingleOrDefaultAsync(ct);
            mine = json is null ? null : AnswerSheet.Parse(json);
        }
        return new MySurveyForm(invitation.Id, survey.Title, survey.Intro, survey.ProgramId, programName, survey.Anonymous, invitation.Answered,
            CanAnswer(survey, invitation, clock), survey.ClosesOn, survey.Questions(), mine);
    }

    internal static bool CanAnswer(Survey survey, SurveyInvitation invitation, TimeProvider clock) =>
        !invitation.Answered && survey.Status == SurveyStatus.Open
        && (survey.ClosesOn is null || survey.ClosesOn >= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
}
