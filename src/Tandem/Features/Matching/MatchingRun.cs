using System.Text.Json;

namespace Tandem.Features.Matching;

public enum MatchingRunStatus { Queued, Running, Done, Failed }

/// <summary>The steps of a run, in order; the page shows which one a run is on.</summary>
public enum MatchingPhase { Queued, Loading, Scoring, Solving, Checking, Saving, Done }

/// <summary>Why a run was asked for: the button, or a coordinator's change that re-runs (an assignment by hand, a swap).</summary>
public enum MatchingRunReason { Run, Assign, Swap }

/// <summary>
/// One request to match a program's pool, worked as background work. At most one run per program is queued or running
/// (a unique index), so two coordinators pressing "run" get the same run. A node claims it with a lease it renews at every
/// phase; a node that dies leaves a lease that runs out, and another node takes the run again (up to
/// <see cref="MatchingOptions.MaxAttempts"/>). The draft and the run's "done" are written in one transaction by the holder
/// of the claim only, so a run never leaves half a draft or two.
/// </summary>
public sealed class MatchingRun
{
    private MatchingRun() { }

    public MatchingRun(Guid programId, Guid requestedBy, MatchingRunReason reason, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        RequestedByUserId = requestedBy;
        Reason = reason;
        RequestedAt = at;
        Status = MatchingRunStatus.Queued;
        Phase = MatchingPhase.Queued;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid RequestedByUserId { get; private set; }
    public MatchingRunReason Reason { get; private set; }
    public DateTime RequestedAt { get; private set; }
    public MatchingRunStatus Status { get; private set; }
    public MatchingPhase Phase { get; private set; }

    /// <summary>When the current attempt started.</summary>
    public DateTime? StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }

    /// <summary>How many times a node has claimed the run.</summary>
    public int Attempts { get; private set; }

    /// <summary>The claim of the node working the run (a new value per attempt); only its holder may move the run on.</summary>
    public string? ClaimedBy { get; private set; }
    public DateTime? ClaimedUntil { get; private set; }
    public Guid? DraftId { get; private set; }

    /// <summary>Why the run failed, in a sentence for the coordinator.</summary>
    public string? Failure { get; private set; }

    /// <summary>Milliseconds per finished phase of the last attempt, e.g. {"Loading":812,"Scoring":240}.</summary>
    public string PhaseTimingsJson { get; private set; } = "{}";

    public IReadOnlyDictionary<string, long> PhaseTimings() =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(PhaseTimingsJson) ?? [];

    public bool IsActive => Status is MatchingRunStatus.Queued or MatchingRunStatus.Running;
}

/// <summary>Background matching: how long a request waits for a small run before answering "running", how often nodes look for work, how long a claim lasts.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Matching";

    /// <summary>How long "Run matching" waits for the draft before showing progress instead (small pools are done well within it).</summary>
    public TimeSpan WaitForDraft { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each node looks for queued runs and runs whose node stopped (a request on the same node wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim lasts without renewal; a node renews it at every phase and every third of this while solving.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>After this many claims that did not finish, the run is failed instead of taken again.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Off in tests that drive runs themselves.</summary>
    public bool WorkerEnabled { get; set; } = true;
}
