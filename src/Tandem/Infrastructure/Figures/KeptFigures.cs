using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Tandem.Infrastructure.Figures;

/// <summary>The "Figures" configuration section.</summary>
public sealed class FiguresOptions
{
    /// <summary>
    /// How long a node keeps a program's whole-program figures before working them out again; zero works them out on
    /// every request (the test hosts, whose clocks stand still).
    /// </summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Whole-program figures kept for a short while (<see cref="FiguresOptions.MaxAge"/>, 30 s by default) on each app
/// node: the engagement page's counts and order of a program's open pairs, the coordinator home's counts, the
/// relationship list's total and the program's people per role (issue 17, ADR 60). Working them out reads every open
/// pair of the program (40,000 in a district: 40-60 ms of PostgreSQL each time, 100-160 ms on a slower machine), and
/// a coordinator's pages asked for them on every request; a dashboard figure that is half a minute old is what a
/// coordinator reads anyway, and the pages say so. The pairs shown on a page are always read fresh.
/// </summary>
/// <remarks>
/// Keyed by what the figure is, the program and a variant (a status filter). A figure older than the maximum age is
/// claimed by the first request that finds it so (ADR 73), which is answered with the figure kept so far, like every
/// other request while it is less than twice the maximum age, and has it worked out again in the background, in a
/// scope of its own (ADR 80): no request waits for a recount while a kept figure can answer it. Before that, the
/// claimant worked the figure out before answering, and a coordinator's page took 140-160 ms every half minute at
/// district scale on a two-core machine, against 5-15 ms otherwise. A claim is the claimant's for one maximum age: if its work fails, the next
/// request after that claims the figure again. A figure with nothing kept (the first request, or after a quiet spell of
/// twice the maximum age) is worked out by the request that asks, with its own services, before it answers. A maximum
/// age of zero turns keeping off (the test hosts, whose clocks stand still). Entries are bounded: past
/// <see cref="MaxEntries"/>, expired ones are dropped, and if none are, the whole store is cleared.
/// </remarks>
public sealed class KeptFigures(IOptions<FiguresOptions> options, TimeProvider clock, IServiceScopeFactory scopes, ILogger<KeptFigures> logger) : IDisposable
{
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<(string Kind, Guid ProgramId, string Variant), (DateTime At, object Value)> kept = new();

    private readonly ConcurrentDictionary<(string Kind, Guid ProgramId, string Variant), DateTime> claims = new();

    private readonly ConcurrentDictionary<Task, bool> refreshing = new();

    private readonly CancellationTokenSource stopping = new();

    /// <summary>What a request does with a kept figure.</summary>
    private enum Use
    {
        /// <summary>Answer with it.</summary>
        Answer,

        /// <summary>Answer with it, and have it worked out again in the background (this request has claimed it).</summary>
        AnswerThenRefresh,

        /// <summary>Nothing to answer with: work it out now.</summary>
        WorkOut,
    }

    /// <summary>
    /// A program's figure: the kept one, or worked out now by <paramref name="workOut"/> with the request's
    /// <paramref name="services"/> when nothing can answer; an old one answers and is worked out again by the same
    /// function in the background with the services of a scope of its own.
    /// </summary>
    public async Task<T> GetAsync<T>(string kind, Guid programId, string variant, IServiceProvider services,
        Func<IServiceProvider, CancellationToken, Task<T>> workOut, CancellationToken ct = default) where T : notnull
    {
        var found = await ForProgramsAsync<T>(kind, variant, [programId], services,
            async (scope, _, c) => new Dictionary<Guid, T> { [programId] = await workOut(scope, c) }, ct);
        return found[programId];
    }

    /// <summary>
    /// Many programs' figures of one kind, for one page: those with nothing kept are worked out together, now, by
    /// <paramref name="workOut"/> with the request's <paramref name="services"/>; the old ones this request claims are
    /// worked out together in the background, in a scope of their own.
    /// </summary>
    public Task<Dictionary<Guid, T>> GetManyAsync<T>(string kind, IReadOnlyCollection<Guid> programIds, IServiceProvider services,
        Func<IServiceProvider, IReadOnlyList<Guid>, CancellationToken, Task<IReadOnlyDictionary<Guid, T>>> workOut, CancellationToken ct = default)
        where T : notnull =>
        ForProgramsAsync(kind, "", programIds, services, workOut, ct);

    /// <summary>Both of the above: the programs' figures of one kind and variant.</summary>
    private async Task<Dictionary<Guid, T>> ForProgramsAsync<T>(string kind, string variant, IReadOnlyCollection<Guid> programIds, IServiceProvider services,
        Func<IServiceProvider, IReadOnlyList<Guid>, CancellationToken, Task<IReadOnlyDictionary<Guid, T>>> workOut, CancellationToken ct)
        where T : notnull
    {
        var maxAge = options.Value.MaxAge;
        var now = clock.GetUtcNow().UtcDateTime;
        var found = new Dictionary<Guid, T>();
        var missing = new List<Guid>();
        var old = new List<Guid>();
        foreach (var id in programIds.Distinct())
        {
            T value = default!;
            var use = maxAge > TimeSpan.Zero ? Find((kind, id, variant), now, maxAge, out value) : Use.WorkOut;
            if (use == Use.WorkOut)
            {
                missing.Add(id);
                continue;
            }
            found[id] = value;
            if (use == Use.AnswerThenRefresh)
            {
                old.Add(id);
            }
        }
        if (missing.Count > 0)
        {
            foreach (var (id, value) in await workOut(services, missing, ct))
            {
                found[id] = value;
                if (maxAge > TimeSpan.Zero)
                {
                    Store((kind, id, variant), value, now, maxAge);
                }
            }
        }
        if (old.Count > 0)
        {
            Refresh(async (scope, stop) =>
            {
                var values = await workOut(scope, old, stop);
                var at = clock.GetUtcNow().UtcDateTime;
                foreach (var (id, value) in values)
                {
                    Store((kind, id, variant), value, at, maxAge);
                }
            });
        }
        return found;
    }

    /// <summary>Waits for the figures being worked out in the background (tests; a node stopping does not wait).</summary>
    public Task RefreshedAsync() => Task.WhenAll(refreshing.Keys);

    /// <summary>The node is stopping: work in the background is cancelled, and none starts.</summary>
    public void Dispose() => stopping.Cancel();

    /// <summary>
    /// What to do with the figure kept under <paramref name="key"/>: answer while it is fresh, or while another request's
    /// claim to work it out stands and it is less than twice the maximum age; claim it and refresh it when it is older
    /// and unclaimed; work it out when there is none or it is twice the maximum age.
    /// </summary>
    private Use Find<T>((string Kind, Guid ProgramId, string Variant) key, DateTime now, TimeSpan maxAge, out T value) where T : notnull
    {
        value = default!;
        if (!kept.TryGetValue(key, out var entry) || entry.Value is not T keptValue)
        {
            return Use.WorkOut;
        }
        value = keptValue;
        var age = now - entry.At;
        if (age < maxAge)
        {
            return Use.Answer;
        }
        if (age >= 2 * maxAge)
        {
            return Use.WorkOut;
        }
        while (true)
        {
            if (claims.TryGetValue(key, out var claimedAt))
            {
                if (now - claimedAt < maxAge)
                {
                    return Use.Answer;
                }
                if (claims.TryUpdate(key, now, claimedAt))
                {
                    return Use.AnswerThenRefresh;
                }
            }
            else if (claims.TryAdd(key, now))
            {
                return Use.AnswerThenRefresh;
            }
        }
    }

    /// <summary>Works figures out in the background, in a scope of their own, while the request answers with the kept ones; a failure leaves the claim to lapse.</summary>
    private void Refresh(Func<IServiceProvider, CancellationToken, Task> work)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        var stop = stopping.Token;
        var task = Task.Run(async () =>
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await work(scope.ServiceProvider, stop);
            }
            catch (Exception e) when (stop.IsCancellationRequested || e is ObjectDisposedException)
            {
                // The node is stopping.
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Working out a kept figure in the background failed; the next request after its claim lapses tries again");
            }
        }, CancellationToken.None);
        refreshing.TryAdd(task, true);
        task.ContinueWith(t => refreshing.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Keeps a figure; past <see cref="MaxEntries"/>, expired ones are dropped first, and all if none are.</summary>
    private void Store((string Kind, Guid ProgramId, string Variant) key, object value, DateTime now, TimeSpan maxAge)
    {
        if (kept.Count >= MaxEntries)
        {
            foreach (var old in kept.Where(e => now - e.Value.At >= maxAge).Select(e => e.Key).ToList())
            {
                kept.TryRemove(old, out _);
                claims.TryRemove(old, out _);
            }
            if (kept.Count >= MaxEntries)
            {
                kept.Clear();
                claims.Clear();
            }
        }
        kept[key] = (now, value);
        claims.TryRemove(key, out _);
    }
}

public static class KeptFiguresSetup
{
    public static IServiceCollection AddKeptFigures(this IServiceCollection services)
    {
        services.AddCheckedOptions<FiguresOptions>("Figures");
        return services.AddSingleton<KeptFigures>();
    }
}
