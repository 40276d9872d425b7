using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>The ready templates a program's coordinators can start a survey from.</summary>
public sealed class ListSurveyTemplates(ProgramAccess programs)
{
    public async Task<Outcome<IReadOnlyList<SurveyTemplateView>>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, "Only the program's coordinators build its surveys.", tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return SurveyTemplates.All.Select(t => t.ToView()).ToList();
    }
}
