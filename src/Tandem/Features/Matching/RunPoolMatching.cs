using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>What asking for a run gave: the run as it is after the wait, done (with its draft) or still going.</summary>
public sealed record RunRequested(MentorshipProgram Program, MatchingRun Run)
{
    public bool Done => Run.Status == MatchingRunStatus.Done && Run.DraftId is not null;
}

/// <summary>
/// One click: queues a run of the engine over the approved, unmatched pool with the program's setup, locks and
/// prohibitions (background work, <see cref="MatchingRunProcessor"/>), and waits a little for it: a school's pool is done
/// within the wait and answers with its draft; a district's answers with the run, whose progress the page shows.
/// A run already queued or running for the program is the one returned (two presses, one run).
/// </summary>
public sealed class RunPoolMatching(MatchingAccess access, MatchingRunQueue queue)
{
    public async Task<Outcome<RunRequested>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindOpenAsync(actor, programId, ct);
        return found.Failure is { } failure ? failure : await RequestForAsync(actor, found.Value!, MatchingRunReason.Run, ct);
    }

    /// <summary>A run for a program whose access the caller has checked.</summary>
    internal async Task<Outcome<RunRequested>> RequestForAsync(Actor actor, MentorshipProgram program, MatchingRunReason reason, CancellationToken ct)
    {
        if (reason != MatchingRunReason.Run && await queue.ActiveAsync(program.Id, ct) is { Status: MatchingRunStatus.Running })
        {
            // The running run read the rules already: the change is kept and applies from the next run.
            return new Conflict("Matching is running for this program right now; your change is saved and applies when you run matching again after it finishes.");
        }
        var run = await queue.RequestAsync(program.Id, actor.UserId, reason, ct);
        run = await queue.WaitAsync(run, ct);
        if (run.Status == MatchingRunStatus.Failed)
        {
            return run.Failure?.StartsWith(MatchingRunProcessor.SetupProblem, StringComparison.Ordinal) == true
                ? Invalid.Field("criteria", run.Failure)
                : new Conflict(run.Failure ?? "Matching failed; run it again.");
        }
        return new RunRequested(program, run);
    }
}
