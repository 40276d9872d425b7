namespace Tandem.Features.Concerns;

/// <summary>The words for concerns' categories and states, shared by the pages and the notices.</summary>
public static class ConcernText
{
    /// <summary>A report to a program retention anonymised (ADR 108, ADR 116): its words would be kept for good.</summary>
    public const string RetainedReport = "This program's data has been anonymised after it closed, so it takes no more concerns.";

    /// <summary>A handler's step on a concern of a program retention anonymised (ADR 108, ADR 116).</summary>
    public const string RetainedStep = "This program's data has been anonymised after it closed: its concerns are kept to read and take no more steps.";

    public static string Category(ConcernCategory category) => category switch
    {
        ConcernCategory.Conflict => "Conflict",
        ConcernCategory.NoShow => "No-show",
        ConcernCategory.Safeguarding => "Safeguarding",
        _ => "Other",
    };

    public static string State(ConcernState state) => state switch
    {
        ConcernState.Received => "Received",
        ConcernState.Acknowledged => "Acknowledged",
        ConcernState.MediationScheduled => "Mediation meeting scheduled",
        ConcernState.MediationHeld => "Mediation meeting held",
        ConcernState.Resolved => "Resolved",
        _ => "Escalated",
    };
}
