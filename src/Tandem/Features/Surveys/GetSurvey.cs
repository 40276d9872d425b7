using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>One survey, as its coordinators see it.</summary>
public sealed class GetSurvey(SurveyAccess access)
{
    public async Task<Outcome<SurveyView>> RunAsync(Actor actor, Guid surveyId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, surveyId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (invited, answered) = await access.CountsAsync(surveyId, ct);
        return found.Value!.ToView(invited, answered);
    }
}
