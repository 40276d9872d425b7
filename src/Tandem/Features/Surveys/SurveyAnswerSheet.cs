using System.Text.Json;
using Tandem.Features.Applications;

namespace Tandem.Features.Surveys;

/// <summary>
/// Checks survey answers: the questionnaire types are checked by the applications' <see cref="AnswerSheet"/>, so a
/// choice or a text is the same thing in both; Likert (1–5) and rating (0–10) are checked here. Errors are keyed
/// "answers.{questionId}".
/// </summary>
public static class SurveyAnswerSheet
{
    public static readonly string[] LikertLabels = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"];

    public static (Dictionary<string, JsonElement> Answers, Dictionary<string, string[]> Errors) Check(
        IReadOnlyList<SurveyQuestion> questions, IReadOnlyDictionary<string, JsonElement>? given)
    {
        given ??= new Dictionary<string, JsonElement>();
        var shared = questions.Where(q => q.Type is not (SurveyQuestionType.Likert or SurveyQuestionType.Rating)).ToList();
        var ours = questions.Except(shared).ToList();
        var (answers, errors) = AnswerSheet.Check(
            shared.Select(AsQuestion).ToList(),
            given.Where(g => !ours.Any(q => q.Id == g.Key)).ToDictionary(),
            complete: true);
        foreach (var question in ours)
        {
            var (min, max) = Range(question.Type);
            if (!given.TryGetValue(question.Id, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
                || value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString()))
            {
                if (question.Required)
                {
                    errors[AnswerSheet.Key(question.Id)] = ["This question is required."];
                }
                continue;
            }
            var number = value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetInt32(out var n) => n,
                JsonValueKind.String when int.TryParse(value.GetString(), out var s) => s,
                _ => (int?)null,
            };
            if (number is not { } chosen || chosen < min || chosen > max)
            {
                errors[AnswerSheet.Key(question.Id)] = [$"Choose a number from {min} to {max}."];
                continue;
            }
            answers[question.Id] = JsonSerializer.SerializeToElement(chosen);
        }
        return (answers, errors);
    }

    public static (int Min, int Max) Range(SurveyQuestionType type) => type switch
    {
        SurveyQuestionType.Rating => (0, 10),
        _ => (1, 5),
    };

    public static bool IsNumeric(SurveyQuestionType type) => type is SurveyQuestionType.Likert or SurveyQuestionType.Rating or SurveyQuestionType.Scale;

    public static bool HasOptions(SurveyQuestionType type) => type is SurveyQuestionType.SingleChoice or SurveyQuestionType.MultipleChoice;

    /// <summary>The questionnaire question a survey question of a shared type is checked as.</summary>
    private static Question AsQuestion(SurveyQuestion q) => new(q.Id, q.Type switch
    {
        SurveyQuestionType.SingleChoice => QuestionType.SingleChoice,
        SurveyQuestionType.MultipleChoice => QuestionType.MultipleChoice,
        SurveyQuestionType.Scale => QuestionType.Scale,
        SurveyQuestionType.ShortText => QuestionType.ShortText,
        _ => QuestionType.LongText,
    }, q.Prompt, q.Help, q.Options, q.Required, Private: false, Criterion: null);
}
