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
/// node: the engagement page's counts and order of a program's open pairs, the coordinator home's counts and the
/// relationship list's total (issue 17, ADR 60). Working them out reads every open pair of the program (40,000 in a district: 40-60 ms of
/// PostgreSQL each time), and a coordinator's pages asked for them on every request; a dashboard figure that is half a
/// minute old is what a coordinator reads anyway, and the pages say so. The pairs shown on a page are always read fresh.
/// </summary>
/// <remarks>
/// Keyed by what the figure is, the program and a variant (a status filter). A figure older than the maximum age is
/// worked out again by the first request that finds it so, which claims it; while that request works, the others are
/// answered with the figure kept so far, as long as it is less than twice the maximum age (ADR 73). Without that
/// claim every coordinator request of the same half minute missed at once and worked the same count out again, a
/// burst of whole-program counts every 30 s that held up every other request for a moment (issue 17's sitting of
/// 2026-12-05: p99 692 ms in that 10 s against 70-90 ms around it). A claim is the claimant's for one maximum age:
/// if its request fails, the next request after that works the figure out. A figure with nothing kept (the first
/// request, or after a quiet spell of twice the maximum age) is worked out by each request that asks before it is
/// kept. A maximum age of zero turns keeping off (the test hosts, whose clocks stand still). Entries are bounded:
/// past <see cref="MaxEntries"/>, expired ones are dropped, and if none are, the whole store is cleared.
/// </remarks>
public sealed class KeptFigures(IOptions<FiguresOptions> options, TimeProvider clock)
{
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<(string Kind, Guid ProgramId, string Variant), (DateTime At, object Value)> kept = new();

    private readonly ConcurrentDictionary<(string Kind, Guid ProgramId, string Variant), DateTime> claims = new();

    public async Task<T> GetAsync<T>(string kind, Guid programId, string variant, Func<Task<T>> workOut) where T : notnull
    {
        var maxAge = options.Value.MaxAge;
        if (maxAge <= TimeSpan.Zero)
        {
            return await workOut();
        }
        var key = (kind, programId, variant);
        var now = clock.GetUtcNow().UtcDateTime;
        if (TryKept<T>(key, now, maxAge, out var value))
        {
            return value;
        }
        var fresh = await workOut();
        Store(key, fresh, now, maxAge);
        return fresh;
    }

    /// <summary>For each program, its kept figure if it is fresh (or being worked out by another request); the programs returned as missing are for the caller to work out and <see cref="Keep"/>.</summary>
    public (Dictionary<Guid, T> Fresh, List<Guid> Missing) Lookup<T>(string kind, IEnumerable<Guid> programIds) where T : notnull
    {
        var maxAge = options.Value.MaxAge;
        var now = clock.GetUtcNow().UtcDateTime;
        var fresh = new Dictionary<Guid, T>();
        var missing = new List<Guid>();
        foreach (var id in programIds)
        {
            if (maxAge > TimeSpan.Zero && TryKept<T>((kind, id, ""), now, maxAge, out var value))
            {
                fresh[id] = value;
            }
            else
            {
                missing.Add(id);
            }
        }
        return (fresh, missing);
    }

    /// <summary>
    /// The figure to answer with: the kept one while it is fresh, or while another request's claim to work it out
    /// stands and it is less than twice the maximum age. False when this request is to work it out (and has claimed it).
    /// </summary>
    private bool TryKept<T>((string Kind, Guid ProgramId, string Variant) key, DateTime now, TimeSpan maxAge, out T value) where T : notnull
    {
        value = default!;
        if (!kept.TryGetValue(key, out var entry) || entry.Value is not T keptValue)
        {
            return false;
        }
        value = keptValue;
        var age = now - entry.At;
        if (age < maxAge)
        {
            return true;
        }
        if (age >= 2 * maxAge)
        {
            return false;
        }
        while (true)
        {
            if (claims.TryGetValue(key, out var claimedAt))
            {
                if (now - claimedAt < maxAge)
                {
                    return true;
                }
                if (claims.TryUpdate(key, now, claimedAt))
                {
                    return false;
                }
            }
            else if (claims.TryAdd(key, now))
            {
                return false;
            }
        }
    }

    public void Keep<T>(string kind, Guid programId, T value) where T : notnull
    {
        var maxAge = options.Value.MaxAge;
        if (maxAge > TimeSpan.Zero)
        {
            Store((kind, programId, ""), value, clock.GetUtcNow().UtcDateTime, maxAge);
        }
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
