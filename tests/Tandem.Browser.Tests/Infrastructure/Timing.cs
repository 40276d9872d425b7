using System.Diagnostics;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>Measurement only (TANDEM_BROWSER_TIMING=file): appends "what ms" lines.</summary>
public static class Timing
{
    private static readonly string? File = Environment.GetEnvironmentVariable("TANDEM_BROWSER_TIMING");
    private static readonly object Gate = new();

    public static async Task<T> TimeAsync<T>(string what, Func<Task<T>> run)
    {
        var watch = Stopwatch.StartNew();
        try { return await run(); }
        finally { Write(what, watch.ElapsedMilliseconds); }
    }

    public static async Task TimeAsync(string what, Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        try { await run(); }
        finally { Write(what, watch.ElapsedMilliseconds); }
    }

    public static void Write(string what, long ms)
    {
        if (File is null) return;
        lock (Gate) System.IO.File.AppendAllText(File, $"{DateTime.UtcNow:HH:mm:ss.fff} {what} {ms}\n");
    }
}
