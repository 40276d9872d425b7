using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tandem.Infrastructure.Telemetry;

/// <summary>
/// Tandem's own metrics and spans, in one place (docs/operations.md, "Metrics, traces and logs"; ADR 44). The instruments
/// cost next to nothing while no exporter listens: a counter without a listener is a field read.
/// </summary>
public sealed class TandemTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Tandem";

    /// <summary>Spans of Tandem's own work (background passes, matching runs, sending e-mail); started only while a tracer listens.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _backgroundPasses;
    private readonly Histogram<double> _backgroundDuration;
    private readonly Counter<long> _emailsSent;
    private readonly Counter<long> _emailsFailed;
    private readonly Counter<long> _emailsGivenUp;
    private readonly Counter<long> _outboxClaimed;
    private readonly Counter<long> _matchingStarted;
    private readonly Counter<long> _matchingFinished;
    private readonly Histogram<double> _matchingDuration;
    private readonly Histogram<double> _matchingPhase;

    public TandemTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _backgroundPasses = meter.CreateCounter<long>("tandem.background.passes", "{pass}",
            "Passes of a background worker, by worker and outcome (ok or failed).");
        _backgroundDuration = meter.CreateHistogram<double>("tandem.background.pass.duration", "s",
            "How long a background worker's pass took, by worker.");
        _emailsSent = meter.CreateCounter<long>("tandem.email.sent", "{email}",
            "E-mails handed to the mail server, on the first attempt or a retry of the outbox.");
        _emailsFailed = meter.CreateCounter<long>("tandem.email.failed", "{email}",
            "Attempts to send an e-mail that failed and will be retried.");
        _emailsGivenUp = meter.CreateCounter<long>("tandem.email.given_up", "{email}",
            "E-mails the outbox gave up after its last attempt (or could not read).");
        _outboxClaimed = meter.CreateCounter<long>("tandem.outbox.claimed", "{email}",
            "Queued e-mails claimed by an outbox pass for another attempt.");
        _matchingStarted = meter.CreateCounter<long>("tandem.matching.runs.started", "{run}",
            "Matching runs claimed and started on this node.");
        _matchingFinished = meter.CreateCounter<long>("tandem.matching.runs.finished", "{run}",
            "Matching runs finished on this node, by outcome (done, failed, or lost to another node).");
        _matchingDuration = meter.CreateHistogram<double>("tandem.matching.run.duration", "s",
            "How long a matching run took on this node, by outcome.");
        _matchingPhase = meter.CreateHistogram<double>("tandem.matching.phase.duration", "s",
            "How long each phase of a matching run took (loading, scoring, solving, certifying, checking, saving).");
    }

    /// <summary>
    /// Measures one pass of a background worker: a span around it, and a count and duration by outcome. An exception
    /// is counted as a failed pass and thrown on to the worker, which logs it; a stopping node's cancellation is not a failure.
    /// </summary>
    public async Task MeasurePassAsync(string worker, Func<Task> pass, CancellationToken stopping)
    {
        using var activity = Source.StartActivity($"{worker} pass");
        activity?.SetTag("tandem.worker", worker);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            await pass();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            outcome = "stopped";
            throw;
        }
        catch (Exception e)
        {
            outcome = "failed";
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            if (outcome != "stopped")
            {
                var tags = new TagList { { "tandem.worker", worker }, { "tandem.outcome", outcome } };
                _backgroundPasses.Add(1, tags);
                _backgroundDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("tandem.worker", worker));
            }
        }
    }

    /// <summary>What one attempt to send a batch of e-mails came to; <paramref name="retry"/> is false for the first attempt, made while the caller waits.</summary>
    public void EmailsAttempted(int sent, int failed, int gaveUp, bool retry)
    {
        var attempt = new KeyValuePair<string, object?>("tandem.email.attempt", retry ? "retry" : "first");
        if (sent > 0)
        {
            _emailsSent.Add(sent, attempt);
        }
        if (failed > 0)
        {
            _emailsFailed.Add(failed, attempt);
        }
        if (gaveUp > 0)
        {
            _emailsGivenUp.Add(gaveUp, attempt);
        }
    }

    public void OutboxClaimed(int count)
    {
        if (count > 0)
        {
            _outboxClaimed.Add(count);
        }
    }

    public void MatchingRunStarted() => _matchingStarted.Add(1);

    /// <summary>A run's end on this node: its outcome, its time, and the time of each phase it reached (milliseconds by phase name).</summary>
    public void MatchingRunFinished(string outcome, TimeSpan elapsed, IReadOnlyDictionary<string, long> phases)
    {
        var tag = new KeyValuePair<string, object?>("tandem.outcome", outcome);
        _matchingFinished.Add(1, tag);
        _matchingDuration.Record(elapsed.TotalSeconds, tag);
        foreach (var (phase, milliseconds) in phases)
        {
            _matchingPhase.Record(milliseconds / 1000.0, new KeyValuePair<string, object?>("tandem.matching.phase", phase.ToLowerInvariant()));
        }
    }
}
