using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>A matching run as the page and the API show it: where it is, how long each phase took, its draft when done.</summary>
public sealed record MatchingRunView(
    Guid Id, Guid ProgramId, MatchingRunStatus Status, MatchingPhase Phase, int Step, int Steps, string Description,
    MatchingRunReason Reason, DateTime RequestedAt, DateTime? StartedAt, DateTime? FinishedAt, int Attempts,
    Guid? DraftId, string? Failure, IReadOnlyDictionary<string, long> PhaseMilliseconds)
{
    public bool Active => Status is MatchingRunStatus.Queued or MatchingRunStatus.Running;

    public static MatchingRunView Of(MatchingRun run)
    {
        var step = run.Phase switch
        {
            MatchingPhase.Queued => 0,
            MatchingPhase.Done => Steps5,
            var p => (int)p,
        };
        return new MatchingRunView(run.Id, run.ProgramId, run.Status, run.Phase, step, Steps5, Describe(run), run.Reason, run.RequestedAt,
            run.StartedAt, run.FinishedAt, run.Attempts, run.DraftId, run.Failure, run.PhaseTimings());
    }

    private const int Steps5 = 5;

    /// <summary>A sentence for the page: what the run is doing now.</summary>
    public static string Describe(MatchingRun run) => run.Status switch
    {
        MatchingRunStatus.Queued => "Waiting for a server to start it.",
        MatchingRunStatus.Done => "Done: the draft is ready.",
        MatchingRunStatus.Failed => run.Failure ?? "Matching failed.",
        _ => run.Phase switch
        {
            MatchingPhase.Loading => "Step 1 of 5: loading the pool (approved participants and their answers).",
            MatchingPhase.Scoring => "Step 2 of 5: scoring: reading every answer the setup compares.",
            MatchingPhase.Solving => "Step 3 of 5: solving: the engine scores every pair and finds the best assignment, and proves it.",
            MatchingPhase.Checking => "Step 4 of 5: checking the result against every rule and explaining each pair.",
            MatchingPhase.Saving => "Step 5 of 5: saving the draft.",
            _ => "Starting.",
        },
    };
}

/// <summary>A program's newest run, or one run by id (coordinators of the program).</summary>
public sealed class GetMatchingRun(TandemDb db, MatchingAccess access)
{
    public async Task<Outcome<MatchingRunView>> RunAsync(Actor actor, Guid programId, Guid? runId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var runs = db.Set<MatchingRun>().AsNoTracking().Where(r => r.ProgramId == programId);
        var run = runId is { } id
            ? await runs.SingleOrDefaultAsync(r => r.Id == id, ct)
            : await runs.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        return run is null
            ? new NotFound(runId is null ? "Matching has not been run for this program yet." : "No such matching run in this program.")
            : MatchingRunView.Of(run);
    }
}
