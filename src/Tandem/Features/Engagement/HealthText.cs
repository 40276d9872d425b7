namespace Tandem.Features.Engagement;

/// <summary>How the pages say a relationship's health: the status label and the meetings held against those due.</summary>
public static class HealthText
{
    public static string Label(HealthStatus status) => status switch
    {
        HealthStatus.AtRisk => "At risk",
        HealthStatus.Drifting => "Drifting",
        _ => "On track",
    };

    /// <summary>"2 of 3" meetings held, or "1 (none due yet)" within the first cadence period.</summary>
    public static string Held(RelationshipHealth h) =>
        h.MeetingsExpected == 0 ? $"{h.MeetingsHeld} (none due yet)" : $"{h.MeetingsHeld} of {h.MeetingsExpected}";
}
