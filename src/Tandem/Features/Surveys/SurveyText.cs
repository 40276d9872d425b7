namespace Tandem.Features.Surveys;

/// <summary>Words about a survey's results that its pages and its exports say alike.</summary>
public static class SurveyText
{
    public static string HiddenQuestion(int minimumGroup) =>
        $"Fewer than {minimumGroup} answered this question, so its answers are not shown.";

    public const string NoListByPerson =
        "This survey is anonymous: its answers are linked to nobody, so there is no list by person. Read its results instead.";
}
