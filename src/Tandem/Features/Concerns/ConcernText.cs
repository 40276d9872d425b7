namespace Tandem.Features.Concerns;

/// <summary>The words for concerns' categories and states, shared by the pages and the notices.</summary>
public static class ConcernText
{
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
