using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure;

namespace Tandem.Features.Concerns;

/// <summary>The "Concerns" configuration section (docs/operations.md).</summary>
public sealed class ConcernOptions
{
    /// <summary>Run the worker that reminds handlers of unacknowledged concerns on this node (test hosts turn it off and run the use case themselves).</summary>
    public bool ReminderWorkerEnabled { get; set; } = true;

    /// <summary>How often the worker looks for concerns past their acknowledgement date.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromMinutes(5);
}
