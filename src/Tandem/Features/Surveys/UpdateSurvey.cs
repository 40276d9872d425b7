using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>A coordinator changes a draft survey; fields left out keep their value. A sent survey is never changed, so every answer matches its questions.</summary>
public sealed class UpdateSurvey(TandemDb db, SurveyAccess access, TimeProvider clock)
{
    private const string SentMeanwhile = "This survey has been sent; it can no longer be changed. Make a new one instead.";

    public async Task<Outcome<SurveyView>> RunAsync(Actor actor, Guid surveyId, SaveSurveyRequest request, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, surveyId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var survey = found.Value!;
        if (!survey.IsEditable)
        {
            return new Conflict(SentMeanwhile);
        }
        if (request.Template is not null)
        {
            return Invalid.Field("template", "A template is chosen when building a survey, not when changing it.");
        }
        if (request.Roster is not null)
        {
            return Invalid.Field("roster", "The roster is chosen when building a survey, not when changing it.");
        }
        var design = SurveyDesignRules.Check(request, null, clock, survey);
        if (design.Failure is { } invalid)
        {
            return invalid;
        }
        survey.Design(design.Value!, clock.GetUtcNow().UtcDateTime);
        // Saved only while it is still a draft: a survey sent between the read above and now keeps what it was sent with.
        var saved = await db.Set<Survey>().Where(s => s.Id == survey.Id && s.Status == SurveyStatus.Draft)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Title, survey.Title)
                .SetProperty(s => s.Intro, survey.Intro)
                .SetProperty(s => s.Anonymous, survey.Anonymous)
                .SetProperty(s => s.QuestionsJson, survey.QuestionsJson)
                .SetProperty(s => s.AudienceRoles, survey.AudienceRoles)
                .SetProperty(s => s.Trigger, survey.Trigger)
                .SetProperty(s => s.SendOn, survey.SendOn)
                .SetProperty(s => s.ClosesOn, survey.ClosesOn)
                .SetProperty(s => s.RemindAfterDays, survey.RemindAfterDays)
                .SetProperty(s => s.UpdatedAt, survey.UpdatedAt), ct);
        if (saved == 0)
        {
            return new Conflict(SentMeanwhile);
        }
        // The counts as every other answer gives them: an organisation survey's draft has its roster invited already (ADR 130).
        var (invited, answered) = await access.CountsAsync(survey.Id, ct);
        return survey.ToView(invited, answered);
    }
}
