using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure;

namespace Tandem.Features.Events;

/// <summary>The "Events" configuration section: when event reminders go out (ADR 62).</summary>
public sealed class EventOptions
{
    /// <summary>How long before an event those going (and the program's channels) are reminded.</summary>
    [TimeSpanRange("00:00:00", "30.00:00:00")]
    public TimeSpan ReminderLead { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the event reminder job runs on each node.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A claimed reminder not marked sent after this long (its node died) is claimed again.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Run the reminder job on this node (test hosts turn it off and run the job themselves).</summary>
    public bool RemindersEnabled { get; set; } = true;
}
