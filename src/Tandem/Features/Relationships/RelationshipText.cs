namespace Tandem.Features.Relationships;

/// <summary>How the pages say a relationship's status and a fit-check answer.</summary>
public static class RelationshipText
{
    public static string Label(RelationshipStatus status) => status switch
    {
        RelationshipStatus.EndedEarly => "Ended early",
        _ => status.ToString(),
    };

    public static string FitLabel(FitAnswer answer) => answer switch
    {
        FitAnswer.NotSure => "Not sure",
        _ => answer.ToString(),
    };
}
