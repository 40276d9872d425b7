using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// Someone answers a survey they were asked to, once. For an anonymous survey the answer row holds a random id,
/// the survey, the answers and the week, nothing else; the invitation only turns "answered", with no time and no
/// link to the answer; and nothing else is written (no notification, no log line naming them) (ADR 24).
/// </summary>
public sealed class AnswerSurvey(TandemDb db, SurveyAccess access, TimeProvider clock)
{
    public async Task<Outcome<SurveyAnswered>> RunAsync(Actor actor, Guid invitationId, AnswerSurveyRequest request, CancellationToken ct = default)
    {
        var invitation = await access.MyInvitations(actor).AsNoTracking().SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        var survey = invitation is null ? null
            : await db.Set<Survey>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == invitation.SurveyId && s.OpenedAt != null, ct);
        if (invitation is null || survey is null)
        {
            return new NotFound("No survey of yours has this id.");
        }
        if (invitation.Answered)
        {
            return new Conflict("You have already answered this survey.");
        }
        if (!GetMySurvey.CanAnswer(survey, invitation, clock))
        {
            return new Conflict("This survey is closed.");
        }
        var (answers, errors) = SurveyAnswerSheet.Check(survey.Questions(), request.Answers);
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var json = AnswerSheet.Serialize(answers);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Marking the invitation is the claim: of two answers sent at once, one is kept.
        var claimed = survey.Anonymous
            ? await db.Set<SurveyInvitation>().Where(i => i.Id == invitation.Id && !i.Answered)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Answered, true), ct)
            : await db.Set<SurveyInvitation>().Where(i => i.Id == invitation.Id && !i.Answered)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Answered, true).SetProperty(i => i.AnsweredAt, now), ct);
        if (claimed == 0)
        {
            return new Conflict("You have already answered this survey.");
        }
        db.Add(survey.Anonymous ? SurveyResponse.Anonymous(survey.Id, json, now) : SurveyResponse.Named(survey.Id, json, invitation, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new SurveyAnswered(invitation.Id, survey.Anonymous, survey.Anonymous
            ? "Thank you. Your answers were stored with no link to you."
            : "Thank you. Your answers were saved.");
    }
}
