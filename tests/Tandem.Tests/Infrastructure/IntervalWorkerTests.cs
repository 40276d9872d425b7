using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Tandem.Infrastructure.Hosting;
using Tandem.Infrastructure.Telemetry;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// The background jobs (reminders, outboxes, digests, surveys, retention, ...) share one loop: a pass per tick of the
/// injected clock, each in a scope of its own; a pass that fails is logged and counted, and the next tick tries again;
/// a job turned off never runs; stopping the node ends the loop without an error.
/// </summary>
public sealed class IntervalWorkerTests : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);
    private readonly WatchedClock _clock = new();
    private readonly FakeLogger<CountingWorker> _log = new();
    private readonly ServiceProvider _services;
    private readonly MetricCollector<long> _passes;

    public IntervalWorkerTests()
    {
        _services = new ServiceCollection().AddMetrics().AddSingleton<TandemTelemetry>().AddScoped<PassScope>().BuildServiceProvider();
        _passes = new MetricCollector<long>(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TandemTelemetry.Name, "tandem.background.passes");
    }

    [Fact]
    public async Task APassThatFailsIsLoggedAndCountedAndTheNextTickRunsAgainInAFreshScope()
    {
        var worker = Worker(enabled: true, failFirst: true);
        await worker.StartAsync(default);
        await _clock.TimerCreatedAsync();

        _clock.Advance(Every);
        var first = await worker.NextPassAsync();
        _clock.Advance(Every);
        var second = await worker.NextPassAsync();
        await worker.StopAsync(default);

        Assert.NotSame(first, second);
        var error = Assert.Single(_log.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Equal("The test-job pass failed; trying again at the next tick", error.Message);
        Assert.Equal("the first pass fails", error.Exception?.Message);
        Assert.Equal(new[] { ("failed", 1L), ("ok", 1L) }, Outcomes());
    }

    [Fact]
    public async Task NoPassRunsBeforeTheIntervalHasPassed()
    {
        var worker = Worker(enabled: true, failFirst: false);
        await worker.StartAsync(default);
        await _clock.TimerCreatedAsync();

        _clock.Advance(Every - TimeSpan.FromSeconds(1));
        Assert.False(worker.TryNextPass(TimeSpan.FromMilliseconds(300)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await worker.NextPassAsync();
        await worker.StopAsync(default);

        Assert.Equal(new[] { ("ok", 1L) }, Outcomes());
    }

    [Fact]
    public async Task AJobTurnedOffNeverRunsAndStoppingIsQuiet()
    {
        var worker = Worker(enabled: false, failFirst: false);
        await worker.StartAsync(default);
        await worker.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));

        _clock.Advance(Every * 3);
        Assert.False(worker.TryNextPass(TimeSpan.FromMilliseconds(300)));
        await worker.StopAsync(default);

        Assert.Empty(Outcomes());
        Assert.DoesNotContain(_log.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task StoppingTheNodeWhileWaitingForATickEndsTheLoopWithoutAnError()
    {
        var worker = Worker(enabled: true, failFirst: false);
        await worker.StartAsync(default);
        await _clock.TimerCreatedAsync();
        _clock.Advance(Every);
        await worker.NextPassAsync();

        await worker.StopAsync(default);

        Assert.True(worker.ExecuteTask!.IsCompletedSuccessfully || worker.ExecuteTask.IsCanceled);
        Assert.DoesNotContain(_log.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    public async ValueTask DisposeAsync()
    {
        _passes.Dispose();
        await _services.DisposeAsync();
    }

    private CountingWorker Worker(bool enabled, bool failFirst) =>
        new(_services.GetRequiredService<IServiceScopeFactory>(), _clock, _services.GetRequiredService<TandemTelemetry>(), _log, enabled, failFirst);

    private List<(string, long)> Outcomes() =>
        _passes.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["tandem.worker"], "test-job"))
            .GroupBy(m => (string)m.Tags["tandem.outcome"]!)
            .Select(g => (g.Key, g.Sum(m => m.Value)))
            .OrderBy(o => o.Key)
            .ToList();

    public sealed class PassScope;

    /// <summary>
    /// A fake clock that says when a timer has been made on it: the host runs a worker's loop on a thread of its own
    /// (.NET 10), so a test moves the clock only once the worker's timer exists.
    /// </summary>
    private sealed class WatchedClock : FakeTimeProvider
    {
        private readonly TaskCompletionSource _timer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WatchedClock() : base(TestClock.Start)
        {
        }

        public Task TimerCreatedAsync() => _timer.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _timer.TrySetResult();
            return timer;
        }
    }

    private sealed class CountingWorker(IServiceScopeFactory scopes, TimeProvider clock, TandemTelemetry telemetry, ILogger<CountingWorker> logger, bool enabled, bool failFirst)
        : IntervalWorker(scopes, clock, telemetry, logger, "test-job", enabled, Every)
    {
        private readonly Channel<PassScope> _passes = Channel.CreateUnbounded<PassScope>();
        private int _runs;

        protected override Task PassAsync(IServiceProvider services, CancellationToken ct)
        {
            _passes.Writer.TryWrite(services.GetRequiredService<PassScope>());
            return Interlocked.Increment(ref _runs) == 1 && failFirst
                ? Task.FromException(new InvalidOperationException("the first pass fails"))
                : Task.CompletedTask;
        }

        /// <summary>
        /// The scope of the next pass that ran (failed or not), waiting up to ten seconds for it. Its outcome is counted
        /// and logged before the loop waits for the next tick, so by the next pass or the end of StopAsync.
        /// </summary>
        public async Task<PassScope> NextPassAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await _passes.Reader.ReadAsync(timeout.Token);
        }

        public bool TryNextPass(TimeSpan wait)
        {
            Thread.Sleep(wait);
            return _passes.Reader.TryRead(out _);
        }
    }
}
