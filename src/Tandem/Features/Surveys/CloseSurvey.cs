using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>A coordinator closes a survey: no more answers, no more invitations or reminders. Results stay readable.</summary>
public sealed class CloseSurvey(TandemDb db, SurveyAccess access, TimeProvider clock)
{
    public async Task<Outcome<SurveyView>> RunAsync(Actor actor, Guid surveyId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, surveyId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var survey = found.Value!;
        if (!survey.Close(clock.GetUtcNow().UtcDateTime))
        {
            return new Conflict("This survey is already closed.");
        }
        await db.SaveChangesAsync(ct);
        var (invited, answered) = await access.CountsAsync(survey.Id, ct);
        return survey.ToView(invited, answered);
    }
}
