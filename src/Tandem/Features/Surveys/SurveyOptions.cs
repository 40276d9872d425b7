using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure;

namespace Tandem.Features.Surveys;

/// <summary>The "Surveys" configuration section: the survey job that opens scheduled surveys, asks after meetings and reminds.</summary>
public sealed class SurveyOptions
{
    /// <summary>How often the survey job runs on each node.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A survey claimed by a node that then died is claimed again after this long.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Run the survey job on this node (test hosts turn it off and run the job themselves).</summary>
    public bool Enabled { get; set; } = true;
}
