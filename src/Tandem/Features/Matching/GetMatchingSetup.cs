using Tandem.Features.Applications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

public sealed class GetMatchingSetup(MatchingAccess access, MatchingPool pools)
{
    public async Task<Outcome<MatchingSetupView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        return View(pool, pool.Criteria, pool.GroupSize, pool.CriteriaAreDefault, pool.Goal, pool.Mix);
    }

    internal static MatchingSetupView View(PoolData pool, IReadOnlyList<SetupCriterion> criteria, int groupSize, bool isDefault, MatchingGoal goal = MatchingGoal.BestTotal, MixInput? mix = null)
    {
        var questions = pool.Questions
            .OrderBy(q => q.Key)
            .SelectMany(q => q.Value.Where(x => x.Type != QuestionType.Consent).Select(x => new SetupQuestionView(x.Id, q.Key, x.Prompt, x.Type, x.Private, x.Criterion)))
            .ToList();
        return new MatchingSetupView(pool.Program.Id, pool.Program.Name, pool.Program.Pairing, isDefault, groupSize, criteria, questions,
            SetupRules.Preview(pool, criteria), goal, mix);
    }
}
