namespace Tandem.Features.Surveys;

/// <summary>Words about a survey's results that its pages and its exports say alike.</summary>
public static class SurveyText
{
    public static string HiddenQuestion(int minimumGroup) =>
        $"Fewer than {minimumGroup} answered this question, so its answers are not shown.";

    public const string NoListByPerson =
        "This survey is anonymous: its answers are linked to nobody, so there is no list by person. Read its results instead.";

    /// <summary>Why an anonymous survey's results lag behind its answers (ADR 99).</summary>
    public static string Steps(int minimumGroup) =>
        $"Results move in steps of {minimumGroup} answers: they cover the first {minimumGroup}, {2 * minimumGroup}, {3 * minimumGroup}, … answers in the order they came in, so two readings never differ by one person's answer.";

    public const string Retained =
        "This program's data has been anonymised after it closed, so it takes no more answers or suggestions.";
}
