using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Telemetry;
using Tandem.Matching;

namespace Tandem.Features.Matching;

/// <summary>How a claimed run ended on this node.</summary>
public enum ProcessResult { Done, Failed, Lost }

/// <summary>
/// Works one claimed run through its phases: loading the pool, scoring it, solving (the engine, which also checks its
/// own certificate), checking the result against the pool's rules and explaining it, and saving the draft. Every phase
/// renews the claim; the draft, its proposals, the people left over, the certificate and the run's "done" are written in
/// one transaction, and only while the claim is still this node's, so a node that stops mid-run leaves nothing behind and
/// a node that lost its claim writes nothing.
/// </summary>
public sealed class MatchingRunProcessor(
    TandemDb db, MatchingPool pools, MatchingRunQueue queue, MatchingRunSignals signals, Notify notify, IProgramRetention retention,
    IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<MatchingOptions> options, TimeProvider clock, TandemTelemetry telemetry,
    ILogger<MatchingRunProcessor> logger)
{
    /// <summary>The start of a failure that is the setup's fault (answered as a form error, not retried).</summary>
    public const string SetupProblem = "The matching setup cannot be used";

    /// <summary>Peer pools are scored pair by pair into a matrix (n² cells); larger ones are refused with this size.</summary>
    public const int MaxPeerPool = 5_000;

    /// <summary>Pools larger than this are compacted in memory before the engine runs.</summary>
    private const int CompactAbove = 20_000;

    private readonly Dictionary<string, long> _timings = [];

    /// <summary>The phases' times of the last <see cref="ProcessAsync"/>, in milliseconds (for `tandem match`).</summary>
    public IReadOnlyDictionary<string, long> Timings => _timings;

    public async Task<ProcessResult> ProcessAsync(MatchingClaim claim, CancellationToken ct)
    {
        var run = await queue.FindAsync(claim.RunId, ct);
        var program = run is null ? null : await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Id == run.ProgramId, ct);
        if (run is null || program is null)
        {
            return ProcessResult.Lost;
        }
        using var activity = TandemTelemetry.Source.StartActivity("Matching run");
        activity?.SetTag("tandem.matching.run_id", run.Id.ToString());
        activity?.SetTag("tandem.program_id", run.ProgramId.ToString());
        telemetry.MatchingRunStarted();
        var started = Stopwatch.GetTimestamp();
        ProcessResult? result = null;
        try
        {
            result = await WorkAsync(claim, run, program, ct);
            return result.Value;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node is stopping: the claim runs out and another node takes the run again.
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Matching run {RunId} for program {ProgramId} failed", run.Id, run.ProgramId);
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            db.ChangeTracker.Clear();
            await queue.FailAsync(claim, $"Matching stopped with an error ({e.GetType().Name}); run it again, and tell your administrator if it keeps happening.", CancellationToken.None);
            signals.Finish(run.Id);
            result = ProcessResult.Failed;
            return result.Value;
        }
        finally
        {
            if (result is { } ended)
            {
                var outcome = ended.ToString().ToLowerInvariant();
                activity?.SetTag("tandem.outcome", outcome);
                telemetry.MatchingRunFinished(outcome, Stopwatch.GetElapsedTime(started), _timings);
            }
        }
    }

    private async Task<ProcessResult> WorkAsync(MatchingClaim claim, MatchingRun run, MentorshipProgram program, CancellationToken ct)
    {
        _timings.Clear();
        var watch = Stopwatch.StartNew();
        if (!await queue.EnterAsync(claim, MatchingPhase.Loading, _timings, ct))
        {
            return ProcessResult.Lost;
        }
        // A run queued before the program closed, or by a way in that checked nothing (`tandem match`), writes no draft
        // after it: its display names and explanations would stay after retention for good (ADR 127).
        if (await MatchingAccess.RefusalAsync(db, retention, program.Id, ct) is { } refused)
        {
            return await FailAsync(claim, run, refused.Detail, ct);
        }
        var pool = await pools.LoadAsync(program, ct);
        Lap(MatchingPhase.Loading, watch);
        if (pool.IsPeer && pool.Mentees.Count > MaxPeerPool)
        {
            return await FailAsync(claim, run, $"The pool has {pool.Mentees.Count:N0} peers; peer matching handles up to {MaxPeerPool:N0} at a time. Split the program into cohorts.", ct);
        }

        if (!pool.IsPeer && pool.Goal == MatchingGoal.Stable && (pool.Offers?.Count ?? 0) == 0)
        {
            return await FailAsync(claim, run, $"{SetupProblem}: the goal is a stable match by the participants' rankings, but no candidates have been offered to rank yet. Offer candidates on the matching page, give people time to rank them, then run matching.", ct);
        }

        if (!await queue.EnterAsync(claim, MatchingPhase.Scoring, _timings, ct))
        {
            return ProcessResult.Lost;
        }
        PoolScoring scoring;
        try
        {
            scoring = new PoolScoring(pool, pool.Criteria);
        }
        catch (ArgumentException e)
        {
            logger.LogWarning("Matching for program {ProgramId} refused: the setup cannot be used ({Problem})", program.Id, e.Message);
            return await FailAsync(claim, run, $"{SetupProblem}: {e.Message}", ct);
        }
        Lap(MatchingPhase.Scoring, watch);

        if (!await queue.EnterAsync(claim, MatchingPhase.Solving, _timings, ct))
        {
            return ProcessResult.Lost;
        }
        if (pool.Mentees.Count + pool.Mentors.Count > CompactAbove)
        {
            // Loading a large pool leaves hundreds of megabytes of garbage (rows, JSON); give it back before the engine
            // takes its score cache (about half a byte per pair), so the run's peak is the engine's, not both.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        PoolMatch match;
        using (var heartbeat = new CancellationTokenSource())
        {
            var beating = HeartbeatAsync(claim, heartbeat.Token);
            try
            {
                match = await Task.Run(() => PoolMatcher.Run(scoring), ct);
            }
            catch (ArgumentException e)
            {
                return await FailAsync(claim, run, $"{SetupProblem}: {e.Message}", ct);
            }
            finally
            {
                await heartbeat.CancelAsync();
                await beating;
            }
        }
        if (match.Assignment?.Statistics is { } stats)
        {
            // The engine scores, solves and checks its certificate in one call; its own clocks split the time.
            // Explaining who is left over is part of checking.
            var solving = watch.ElapsedMilliseconds;
            var explaining = (long)match.Explaining.TotalMilliseconds;
            _timings["Scoring"] = _timings.GetValueOrDefault("Scoring") + (long)stats.ScoringTime.TotalMilliseconds;
            _timings["Certifying"] = (long)stats.CertifyingTime.TotalMilliseconds;
            _timings["Solving"] = Math.Max(0, solving - explaining - (long)stats.ScoringTime.TotalMilliseconds - (long)stats.CertifyingTime.TotalMilliseconds);
            _timings["Checking"] = explaining;
            watch.Restart();
        }
        else
        {
            Lap(MatchingPhase.Solving, watch);
        }

        if (!await queue.EnterAsync(claim, MatchingPhase.Checking, _timings, ct))
        {
            return ProcessResult.Lost;
        }
        if (DraftCheck.Problem(scoring, match) is { } problem)
        {
            logger.LogError("Matching run {RunId} for program {ProgramId}: the engine's result broke a rule ({Problem})", run.Id, program.Id, problem);
            return await FailAsync(claim, run, $"The result broke a rule of the pool and was not stored ({problem}); tell your administrator.", ct);
        }
        var built = await DraftWriter.BuildAsync(db, scoring, match, MatchDraftSource.Engine, run.RequestedByUserId, clock.GetUtcNow().UtcDateTime, ct);
        var draft = built.Draft;
        Lap(MatchingPhase.Checking, watch);

        if (!await queue.EnterAsync(claim, MatchingPhase.Saving, _timings, ct))
        {
            return ProcessResult.Lost;
        }
        var saved = await DraftWriter.SaveAsync(db, built, async () =>
        {
            _timings["Saving"] = watch.ElapsedMilliseconds;
            return await queue.CompleteAsync(claim, draft.Id, _timings, ct);
        }, ct);
        db.ChangeTracker.Clear();
        if (!saved)
        {
            logger.LogWarning("Matching run {RunId}: the claim was lost before saving; nothing was stored", run.Id);
            return ProcessResult.Lost;
        }
        logger.LogInformation(
            "Matching for program {ProgramId}: draft {DraftNumber} ({DraftId}) of {Mentors} mentors and {Mentees} mentees, {Proposals} proposals, {Unmatched} unmatched, proven optimal {Proven}; phases {Timings}",
            program.Id, draft.Number, draft.Id, pool.Mentors.Count, pool.Mentees.Count, built.Proposals.Count, built.Unmatched.Count, draft.ProvenOptimal, JsonSerializer.Serialize(_timings));
        signals.Finish(run.Id);
        await TellAsync(run, program, draft, ct);
        return ProcessResult.Done;
    }

    private void Lap(MatchingPhase phase, Stopwatch watch)
    {
        _timings[phase.ToString()] = _timings.GetValueOrDefault(phase.ToString()) + watch.ElapsedMilliseconds;
        watch.Restart();
    }

    private async Task<ProcessResult> FailAsync(MatchingClaim claim, MatchingRun run, string failure, CancellationToken ct)
    {
        var failed = await queue.FailAsync(claim, failure, ct);
        signals.Finish(run.Id);
        return failed ? ProcessResult.Failed : ProcessResult.Lost;
    }

    /// <summary>Renews the claim every third of the lease while the engine works, from a scope of its own.</summary>
    private async Task HeartbeatAsync(MatchingClaim claim, CancellationToken stop)
    {
        var every = options.Value.ClaimLease / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, clock, stop);
                await using var scope = scopes.CreateAsyncScope();
                if (!await scope.ServiceProvider.GetRequiredService<MatchingRunQueue>().RenewAsync(claim, stop))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not renew the claim of matching run {RunId}", claim.RunId);
        }
    }

    /// <summary>The coordinator who asked hears that the draft is ready, in the app (they may have left the page).</summary>
    private async Task TellAsync(MatchingRun run, MentorshipProgram program, MatchDraft draft, CancellationToken ct)
    {
        if (run.RequestedByUserId == Guid.Empty)
        {
            return;
        }
        try
        {
            await notify.StoreAsync([new NotificationMessage(run.RequestedByUserId, NotificationKind.ProgramUpdates, $"Matching draft {draft.Number} is ready",
                $"{program.Name}: {draft.Matched:N0} matched, {draft.Unmatched:N0} not matched{(draft.ProvenOptimal ? ", proven optimal" : "")}.",
                $"/programs/{program.Id}/matching")], ct);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not store the notice for matching draft {DraftId}", draft.Id);
        }
    }
}
