namespace Tandem.Features.Programs;

/// <summary>
/// What Tandem can measure for an objective (ADR 27 defines each one). Percentages are 0–100; a session rating
/// is the 1–5 check-in rating; a survey item is the mean answer of a number-scale question; an outcome change
/// is the program group's mean change (post − pre) of an imported outcome measure; goals achieved is the share of
/// the relationships started that have achieved at least one goal (ADR 68).
/// </summary>
public enum ObjectiveMeasure { MeetingRate, Retention, SessionRating, SurveyItem, OutcomeChange, GoalsAchieved }

/// <summary>An objective as designed, already validated.</summary>
public sealed record ObjectiveDesign(
    string Description, string Target, ObjectiveMeasure? Measure = null, double? Threshold = null, bool AtMost = false,
    Guid? SurveyId = null, string? QuestionId = null, string? OutcomeMeasure = null);

public static class ObjectiveMeasureText
{
    public static string Label(this ObjectiveMeasure measure) => measure switch
    {
        ObjectiveMeasure.MeetingRate => "Pairs meeting at the cadence",
        ObjectiveMeasure.Retention => "Retention",
        ObjectiveMeasure.SessionRating => "Average session rating",
        ObjectiveMeasure.SurveyItem => "Survey question",
        ObjectiveMeasure.OutcomeChange => "Outcome change",
        ObjectiveMeasure.GoalsAchieved => "Pairs achieving a goal",
        _ => measure.ToString(),
    };

    /// <summary>The thresholds that make sense for the measure (a survey item's scale is checked when it is measured).</summary>
    public static (double Min, double Max) Range(this ObjectiveMeasure measure) => measure switch
    {
        ObjectiveMeasure.MeetingRate or ObjectiveMeasure.Retention or ObjectiveMeasure.GoalsAchieved => (0, 100),
        ObjectiveMeasure.SessionRating => (1, 5),
        ObjectiveMeasure.SurveyItem => (0, 10),
        _ => (-1_000_000, 1_000_000),
    };

    public static bool IsPercentage(this ObjectiveMeasure measure) =>
        measure is ObjectiveMeasure.MeetingRate or ObjectiveMeasure.Retention or ObjectiveMeasure.GoalsAchieved;

    /// <summary>A value as people read it: "82%", "4.2 of 5", "+3.5".</summary>
    public static string Format(this ObjectiveMeasure measure, double value) => measure switch
    {
        ObjectiveMeasure.MeetingRate or ObjectiveMeasure.Retention or ObjectiveMeasure.GoalsAchieved => $"{value:0.#}%",
        ObjectiveMeasure.SessionRating => $"{value:0.0#} of 5",
        ObjectiveMeasure.OutcomeChange => value.ToString("+0.##;−0.##;0"),
        _ => $"{value:0.0#}",
    };
}

/// <summary>An objective measured now and at the end of each month so far (answered by Features/Reports).</summary>
public sealed record ObjectiveProgress(
    int Position,
    string Description,
    string Target,
    ObjectiveMeasure? Measure,
    double? Threshold,
    bool AtMost,
    double? Value,
    string? ValueText,
    string? ThresholdText,
    bool? Met,
    string Explanation,
    IReadOnlyList<TrendPoint> Trend,
    string? ChartDataUri);

/// <summary>A measure's value as of one day; null when it cannot be measured then (nobody to count yet).</summary>
public sealed record TrendPoint(DateOnly AsOf, double? Value, string ValueText);

/// <summary>Measures a program's objectives; the program page asks it without knowing how (Features/Reports answers).</summary>
public interface IObjectiveProgress
{
    Task<IReadOnlyList<ObjectiveProgress>> MeasureAsync(Guid programId, CancellationToken ct);
}
