using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Matching;

/// <summary>
/// In-process signals between requests and this node's worker: a request wakes the worker at once instead of waiting for its
/// next look, and a finished run wakes the request waiting for it. Other nodes find the same work by polling the database.
/// </summary>
public sealed class MatchingRunSignals
{
    private readonly SemaphoreSlim _work = new(0, 1);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _finished = new();

    public void Wake()
    {
        try
        {
            _work.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    /// <summary>Waits for a wake-up or the poll interval, whichever comes first.</summary>
    public Task WaitForWorkAsync(TimeSpan poll, CancellationToken ct) => _work.WaitAsync(poll, ct);

    public Task Finished(Guid runId) => _finished.GetOrAdd(runId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Finish(Guid runId)
    {
        if (_finished.TryRemove(runId, out var waiting))
        {
            waiting.TrySetResult();
        }
    }
}

/// <summary>A claimed run: the claim is the token only its holder knows.</summary>
public sealed record MatchingClaim(Guid RunId, string Claim);

/// <summary>
/// The queue of matching runs in the database: asking for a run (one active run per program), claiming one (by a
/// conditional update, so of two nodes one wins), and renewing, finishing or failing it as the holder of the claim.
/// </summary>
public sealed class MatchingRunQueue(TandemDb db, MatchingRunSignals signals, IOptions<MatchingOptions> options, TimeProvider clock, ILogger<MatchingRunQueue> logger)
{
    private MatchingOptions Settings => options.Value;

    /// <summary>A new queued run, or the run already queued or running for the program (two presses, one run).</summary>
    public async Task<MatchingRun> RequestAsync(Guid programId, Guid requestedBy, MatchingRunReason reason, CancellationToken ct)
    {
        if (await ActiveAsync(programId, ct) is { } active)
        {
            return active;
        }
        var run = new MatchingRun(programId, requestedBy, reason, clock.GetUtcNow().UtcDateTime);
        db.Add(run);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another request made the program's run a moment ago: that run is this one too.
            db.Entry(run).State = EntityState.Detached;
            return await ActiveAsync(programId, ct) ?? throw new InvalidOperationException("The program's active matching run vanished.", e);
        }
        signals.Wake();
        return run;
    }

    public Task<MatchingRun?> ActiveAsync(Guid programId, CancellationToken ct) =>
        db.Set<MatchingRun>().AsNoTracking()
            .Where(r => r.ProgramId == programId && (r.Status == MatchingRunStatus.Queued || r.Status == MatchingRunStatus.Running))
            .FirstOrDefaultAsync(ct);

    public Task<MatchingRun?> FindAsync(Guid runId, CancellationToken ct) =>
        db.Set<MatchingRun>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);

    /// <summary>
    /// Waits for the run to finish for at most <see cref="MatchingOptions.WaitForDraft"/>: woken at once when this node
    /// finishes it, and looking at the database every quarter second in case another node did. Returns the run as it is then.
    /// </summary>
    public async Task<MatchingRun> WaitAsync(MatchingRun run, CancellationToken ct)
    {
        var finished = signals.Finished(run.Id);
        var deadline = Environment.TickCount64 + (long)Settings.WaitForDraft.TotalMilliseconds;
        while (true)
        {
            var current = await FindAsync(run.Id, ct) ?? run;
            var left = deadline - Environment.TickCount64;
            if (!current.IsActive || left <= 0)
            {
                return current;
            }
            await Task.WhenAny(finished, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250, left)), ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Claims the oldest queued run, or a running run whose claim ran out (its node stopped). A run already claimed
    /// <see cref="MatchingOptions.MaxAttempts"/> times is failed instead. Null when there is nothing to do or another node won.
    /// </summary>
    public async Task<MatchingClaim?> ClaimNextAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var runs = db.Set<MatchingRun>();
        var exhausted = await runs
            .Where(r => r.Status == MatchingRunStatus.Running && r.ClaimedUntil < now && r.Attempts >= Settings.MaxAttempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, MatchingRunStatus.Failed)
                .SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.ClaimedBy, (string?)null)
                .SetProperty(r => r.Failure, $"Matching stopped {Settings.MaxAttempts} times before it finished (the server working on it went away); run it again, and tell your administrator if it keeps happening."), ct);
        if (exhausted > 0)
        {
            logger.LogWarning("{Count} matching run(s) failed after {Attempts} attempts", exhausted, Settings.MaxAttempts);
        }
        var candidate = await runs.AsNoTracking()
            .Where(r => r.Status == MatchingRunStatus.Queued || (r.Status == MatchingRunStatus.Running && r.ClaimedUntil < now))
            .OrderBy(r => r.RequestedAt).Select(r => new { r.Id, r.Attempts })
            .FirstOrDefaultAsync(ct);
        if (candidate is null)
        {
            return null;
        }
        return await TryClaimAsync(candidate.Id, candidate.Attempts, ct);
    }

    /// <summary>Claims this run if it is queued, or running with a claim that ran out; null when it is not there to take.</summary>
    public async Task<MatchingClaim?> ClaimAsync(Guid runId, CancellationToken ct)
    {
        var attempts = await db.Set<MatchingRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => (int?)r.Attempts).SingleOrDefaultAsync(ct);
        return attempts is null ? null : await TryClaimAsync(runId, attempts.Value, ct);
    }

    private async Task<MatchingClaim?> TryClaimAsync(Guid runId, int attempts, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var claim = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var until = now + Settings.ClaimLease;
        // The condition is checked again by the update itself: of two nodes claiming the same run, one updates it.
        var claimed = await db.Set<MatchingRun>()
            .Where(r => r.Id == runId && r.Attempts == attempts && r.Attempts < Settings.MaxAttempts
                && (r.Status == MatchingRunStatus.Queued || (r.Status == MatchingRunStatus.Running && r.ClaimedUntil < now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, MatchingRunStatus.Running)
                .SetProperty(r => r.Phase, MatchingPhase.Queued)
                .SetProperty(r => r.ClaimedBy, claim)
                .SetProperty(r => r.ClaimedUntil, until)
                .SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.Attempts, r => r.Attempts + 1), ct);
        if (claimed == 0)
        {
            return null;
        }
        if (attempts > 0)
        {
            logger.LogWarning("Matching run {RunId} taken again (attempt {Attempt}): its previous claim ran out", runId, attempts + 1);
        }
        return new MatchingClaim(runId, claim);
    }

    /// <summary>Moves the run to a phase and renews the claim; false when the claim was lost (another node took the run).</summary>
    public async Task<bool> EnterAsync(MatchingClaim claim, MatchingPhase phase, IReadOnlyDictionary<string, long> timings, CancellationToken ct)
    {
        var until = clock.GetUtcNow().UtcDateTime + Settings.ClaimLease;
        var json = System.Text.Json.JsonSerializer.Serialize(timings);
        return await Held(claim).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Phase, phase)
            .SetProperty(r => r.ClaimedUntil, until)
            .SetProperty(r => r.PhaseTimingsJson, json), ct) == 1;
    }

    /// <summary>Renews the claim without changing the phase (while the engine works).</summary>
    public async Task<bool> RenewAsync(MatchingClaim claim, CancellationToken ct)
    {
        var until = clock.GetUtcNow().UtcDateTime + Settings.ClaimLease;
        return await Held(claim).ExecuteUpdateAsync(s => s.SetProperty(r => r.ClaimedUntil, until), ct) == 1;
    }

    /// <summary>Marks the run done with its draft, inside the caller's transaction; false when the claim was lost.</summary>
    public async Task<bool> CompleteAsync(MatchingClaim claim, Guid draftId, IReadOnlyDictionary<string, long> timings, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var json = System.Text.Json.JsonSerializer.Serialize(timings);
        return await Held(claim).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, MatchingRunStatus.Done)
            .SetProperty(r => r.Phase, MatchingPhase.Done)
            .SetProperty(r => r.DraftId, draftId)
            .SetProperty(r => r.FinishedAt, now)
            .SetProperty(r => r.ClaimedBy, (string?)null)
            .SetProperty(r => r.ClaimedUntil, (DateTime?)null)
            .SetProperty(r => r.PhaseTimingsJson, json), ct) == 1;
    }

    /// <summary>Fails the run with a sentence for the coordinator (a setup that cannot be used, an error); not taken again.</summary>
    public async Task<bool> FailAsync(MatchingClaim claim, string failure, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await Held(claim).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, MatchingRunStatus.Failed)
            .SetProperty(r => r.FinishedAt, now)
            .SetProperty(r => r.ClaimedBy, (string?)null)
            .SetProperty(r => r.ClaimedUntil, (DateTime?)null)
            .SetProperty(r => r.Failure, failure), ct) == 1;
    }

    private IQueryable<MatchingRun> Held(MatchingClaim claim) =>
        db.Set<MatchingRun>().Where(r => r.Id == claim.RunId && r.ClaimedBy == claim.Claim && r.Status == MatchingRunStatus.Running);
}
