using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure;

namespace Tandem.Features.Notifications;

/// <summary>The "Notifications:Digest" section: when the daily digest e-mails go out (ADR 57).</summary>
public sealed class DigestOptions
{
    /// <summary>Run the digest worker on this node (test hosts turn it off and run <see cref="SendDailyDigests"/> themselves).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>The hour of the day, on each person's own clock (their time zone), after which their digest is sent.</summary>
    [Range(0, 23)]
    public int Hour { get; set; } = 17;

    /// <summary>How often the worker looks for people whose digest hour has passed.</summary>
    [TimeSpanRange("00:00:10", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many people one pass serves at most (the rest wait for the next pass).</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;
}
