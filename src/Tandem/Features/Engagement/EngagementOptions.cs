using System.ComponentModel.DataAnnotations;
using Tandem.Features.Programs;
using Tandem.Infrastructure;

namespace Tandem.Features.Engagement;

/// <summary>The "Engagement" configuration section: when a pair counts as drifting or at risk, and when reminders go out (see docs/decisions/).</summary>
public sealed class EngagementOptions : IValidatableObject
{
    /// <summary>Drifting when the last contact is older than this many cadence periods (weekly: 1.5 → 10.5 days).</summary>
    [Range(0.1, 100)]
    public double DriftingAfterCadences { get; set; } = 1.5;

    /// <summary>At risk when the last contact is older than this many cadence periods (weekly: 3 → 21 days).</summary>
    [Range(0.1, 100)]
    public double AtRiskAfterCadences { get; set; } = 3;

    /// <summary>Drifting when fewer than this share of the meetings the cadence expects were held (checked once two are expected).</summary>
    [Range(0.0, 1.0)]
    public double MinimumMeetingShare { get; set; } = 0.5;

    /// <summary>How long before an accepted meeting its members are reminded.</summary>
    [TimeSpanRange("00:00:00", "30.00:00:00")]
    public TimeSpan MeetingReminderLead { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long after a meeting ends its members are asked for their check-in (and for how long they keep being asked: once).</summary>
    [TimeSpanRange("00:00:00", "30.00:00:00")]
    public TimeSpan CheckInReminderDelay { get; set; } = TimeSpan.FromHours(2);

    [TimeSpanRange("00:01:00", "365.00:00:00")]
    public TimeSpan CheckInReminderWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A claimed reminder that was not marked sent after this long (the node died) is claimed again.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the reminder job runs on each node.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Run the reminder job on this node (test hosts turn it off and run the job themselves).</summary>
    public bool RemindersEnabled { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AtRiskAfterCadences <= DriftingAfterCadences)
        {
            yield return new ValidationResult("AtRiskAfterCadences must be more than DriftingAfterCadences.", [nameof(AtRiskAfterCadences)]);
        }
    }

    public static int CadenceDays(Cadence cadence) => cadence switch
    {
        Cadence.Weekly => 7,
        Cadence.Fortnightly => 14,
        _ => 30,
    };
}
