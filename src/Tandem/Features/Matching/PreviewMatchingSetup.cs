using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>A setup checked against the program's current pool: the pool it was checked against and the criteria it makes.</summary>
public sealed record CheckedSetup(PoolData Pool, IReadOnlyList<SetupCriterion> Criteria);

/// <summary>Previews a setup against the current pool without saving it.</summary>
public sealed class PreviewMatchingSetup(MatchingAccess access, MatchingPool pools)
{
    public async Task<Outcome<MatchingSetupView>> RunAsync(Actor actor, Guid programId, SaveMatchingSetupRequest request, CancellationToken ct = default)
    {
        var checkedSetup = await CheckAsync(actor, programId, request, ct);
        if (checkedSetup.Failure is { } failure)
        {
            return failure;
        }
        var (pool, criteria) = checkedSetup.Value!;
        return GetMatchingSetup.View(pool, criteria, request.GroupSize, isDefault: false, request.Goal, request.Mix);
    }

    /// <summary>
    /// What previewing and saving a setup both begin with: the program (its coordinators only), its pool, and the
    /// request's criteria checked against the pool's questions.
    /// </summary>
    internal async Task<Outcome<CheckedSetup>> CheckAsync(Actor actor, Guid programId, SaveMatchingSetupRequest request, CancellationToken ct)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var pool = await pools.LoadAsync(found.Value!, ct);
        var criteria = SetupRules.Check(pool, request);
        if (criteria.Failure is { } invalid)
        {
            return invalid;
        }
        return new CheckedSetup(pool, criteria.Value!);
    }
}
