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
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
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
/// Keyed by what the figure is, the program and a variant (a status filter); a figure older than the maximum age is
/// worked out again by the next request that asks for it. Two requests that miss at once both work it out (no lock:
/// each uses its own request's database context), and the later one is kept. A maximum age of zero turns keeping off
/// (the test hosts, whose clocks stand still). Entries are bounded: past <see cref="MaxEntries"/>, expired ones are
/// dropped, and if none are, the whole store is cleared.
/// </remarks>
public sealed class KeptFigures(IOptions<FiguresOptions> options, TimeProvider clock)
{
    public const int MaxEntries = 4096;

    private readonly ConcurrentDictionary<(string Kind, Guid ProgramId, string Variant), (DateTime At, object Value)> kept = new();

    public async Task<T> GetAsync<T>(string kind, Guid programId, string variant, Func<Task<T>> workOut) where T : notnull
    {
        var maxAge = options.Value.MaxAge;
        if (maxAge <= TimeSpan.Zero)
        {
            return await workOut();
        }
        var key = (kind, programId, variant);
        var now = clock.GetUtcNow().UtcDateTime;
        if (kept.TryGetValue(key, out var entry) && now - entry.At < maxAge && entry.Value is T value)
        {
            return value;
        }
        var fresh = await workOut();
        Store(key, fresh, now, maxAge);
        return fresh;
    }

    /// <summary>For each program, its kept figure if it is fresh; the programs returned as missing are for the caller to work out and <see cref="Keep"/>.</summary>
    public (Dictionary<Guid, T> Fresh, List<Guid> Missing) Lookup<T>(string kind, IEnumerable<Guid> programIds) where T : notnull
    {
        var maxAge = options.Value.MaxAge;
        var now = clock.GetUtcNow().UtcDateTime;
        var fresh = new Dictionary<Guid, T>();
        var missing = new List<Guid>();
        foreach (var id in programIds)
        {
            if (maxAge > TimeSpan.Zero && kept.TryGetValue((kind, id, ""), out var entry) && now - entry.At < maxAge && entry.Value is T value)
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
            }
            if (kept.Count >= MaxEntries)
            {
                kept.Clear();
            }
        }
        kept[key] = (now, value);
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
