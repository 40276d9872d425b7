using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>A coordinator changes a draft survey; fields left out keep their value. A sent survey is never changed, so every answer matches its questions.</summary>
public sealed class UpdateSurvey(TandemDb db, SurveyAccess access, TimeProvider clock)
{
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
            return new Conflict("This survey has been sent; it can no longer be changed. Make a new one instead.");
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
        await db.SaveChangesAsync(ct);
        return survey.ToView(0, 0);
    }
}
