namespace Tandem.Infrastructure.Figures;

/// <summary>
/// The smallest group of people whose figures a page, the API or a report shows (a mean, a spread, a distribution):
/// below it one person's answer, rating or grade could be read off, or worked out from two figures. Surveys
/// (GetSurveyResults.MinimumGroup, ADR 24), outcome groups (ADR 25) and session ratings (ADR 100) share it.
/// </summary>
public static class SmallGroups
{
    public const int Minimum = 5;
}
