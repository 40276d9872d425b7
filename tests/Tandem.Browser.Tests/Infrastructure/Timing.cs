using System.Diagnostics;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// Where a browser run's time goes, for measuring only: with TANDEM_BROWSER_TIMING=FILE set, the infrastructure appends
/// one line "HH:mm:ss.fff STEP MILLISECONDS" per server start (and its phases), Chromium launch, sign-in (and its
/// steps), axe-core run (and injection), layout check and e-mail link read; without it, nothing is written.
/// docs/benchmarks.md ("Test suite") shows how to sum the file per step.
/// </summary>
public static class Timing
{
    private static readonly string? File = Environment.GetEnvironmentVariable("TANDEM_BROWSER_TIMING");
    private static readonly object Gate = new();

    public static async Task<T> TimeAsync<T>(string step, Func<Task<T>> run)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return await run();
        }
        finally
        {
            Write(step, watch.ElapsedMilliseconds);
        }
    }

    public static async Task TimeAsync(string step, Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await run();
        }
        finally
        {
            Write(step, watch.ElapsedMilliseconds);
        }
    }

    public static void Write(string step, long milliseconds)
    {
        if (File is null)
        {
            return;
        }
        lock (Gate)
        {
            System.IO.File.AppendAllText(File, $"{DateTime.UtcNow:HH:mm:ss.fff} {step} {milliseconds}\n");
        }
    }
}
