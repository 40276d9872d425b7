using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>The rules a survey's design keeps, shared by building and changing it.</summary>
public static class SurveyDesignRules
{
    public static Outcome<SurveyDesign> Check(SaveSurveyRequest request, SurveyTemplate? template, TimeProvider clock, Survey? current = null)
    {
        var withoutProgram = current is { ProgramId: null } || (current is null && request.Roster is not null);
        var errors = new Dictionary<string, string[]>();
        var title = request.Title?.Trim() ?? current?.Title ?? template?.Title;
        // The API's annotations say the same; the pages post here without them, so the limits of the columns are kept here too.
        if (string.IsNullOrWhiteSpace(title) || title.Length < 2)
        {
            errors["title"] = ["A survey needs a title."];
        }
        else if (title.Length > Survey.TitleMax)
        {
            errors["title"] = [$"A survey's title has at most {Survey.TitleMax} characters."];
        }
        if (request.Intro?.Trim().Length > Survey.IntroMax)
        {
            errors["intro"] = [$"The introduction has at most {Survey.IntroMax} characters."];
        }
        if (request.Questions is { Count: > MaxQuestions })
        {
            errors["questions"] = [$"A survey has at most {MaxQuestions} questions."];
        }
        var questions = request.Questions is { Count: > 0 and <= MaxQuestions } inputs
            ? CheckQuestions(inputs, current?.Questions().Select(q => q.Id) ?? [], errors)
            : current?.Questions() ?? template?.Questions ?? [];
        if (questions.Count == 0 && !errors.Keys.Any(k => k.StartsWith("questions", StringComparison.Ordinal)))
        {
            errors["questions"] = ["A survey needs at least one question."];
        }
        var audience = request.Audience is { Count: > 0 } roles ? roles.Distinct().ToList() : current?.Audience().ToList() ?? template?.Audience.ToList() ?? [];
        if (audience.Count == 0 && !withoutProgram)
        {
            errors["audience"] = ["Choose who it goes to: Mentor, Mentee, Peer, Staff or Coordinator."];
        }
        var trigger = request.Trigger ?? current?.Trigger ?? template?.Trigger ?? SurveyTrigger.Now;
        if (withoutProgram && trigger is not (SurveyTrigger.Now or SurveyTrigger.OnDate))
        {
            errors["trigger"] = ["A survey without a program goes out now or on a date."];
        }
        var sendOn = request.SendOn ?? current?.SendOn;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (trigger == SurveyTrigger.OnDate && sendOn is null)
        {
            errors["sendOn"] = ["Give the day it goes out."];
        }
        if (trigger == SurveyTrigger.OnDate && sendOn < today)
        {
            errors["sendOn"] = ["The day it goes out has passed; choose today or later, or send it now."];
        }
        var closesOn = request.ClosesOn ?? current?.ClosesOn;
        if (closesOn < today || (trigger == SurveyTrigger.OnDate && closesOn < sendOn))
        {
            errors["closesOn"] = ["The last day to answer must be after the day it goes out."];
        }
        var remind = request.RemindAfterDays ?? current?.RemindAfterDays ?? template?.RemindAfterDays;
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }
        return new SurveyDesign(
            title!, string.IsNullOrWhiteSpace(request.Intro) ? current?.Intro : request.Intro.Trim(),
            request.Anonymous ?? current?.Anonymous ?? template?.Anonymous ?? true,
            questions, audience, trigger, trigger == SurveyTrigger.OnDate ? sendOn : null, closesOn,
            remind is > 0 ? remind : null);
    }

    public const int MaxQuestions = 50;

    /// <param name="retired">The ids the survey's questions had before this change: a new question never takes one of
    /// them, so answers given to a removed question are never read as answers to another.</param>
    private static List<SurveyQuestion> CheckQuestions(List<SurveyQuestionInput> inputs, IEnumerable<string> retired, Dictionary<string, string[]> errors)
    {
        var questions = new List<SurveyQuestion>();
        var ids = new QuestionIds(inputs.Select(i => i?.Id), errors, retired);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input is null)
            {
                errors[$"questions[{i}]"] = ["A question is missing."];
                continue;
            }
            var type = input.Type ?? SurveyQuestionType.ShortText;
            var options = (input.Options ?? []).Select(o => o?.Trim() ?? "").Where(o => o.Length > 0).ToList();
            var hasOptions = SurveyAnswerSheet.HasOptions(type);
            string? problem = null;
            if (string.IsNullOrWhiteSpace(input.Prompt) || input.Prompt.Trim().Length > 500)
            {
                problem = "A question needs a prompt of up to 500 characters.";
            }
            else if (hasOptions && options.Count < 2)
            {
                problem = "A choice question needs at least two options.";
            }
            else if (!hasOptions && options.Count > 0)
            {
                problem = $"A {type} question has no options.";
            }
            else if (input.Help?.Trim().Length > 1000)
            {
                problem = "A question's help text has at most 1000 characters.";
            }
            else if (input.Id is { } given && !QuestionIds.IsWellFormed(given))
            {
                problem = QuestionIds.FormatRule;
            }
            else if (options.Count > 20)
            {
                problem = "A question has at most 20 options.";
            }
            else if (options.Any(o => o.Length > 200))
            {
                problem = "An option has at most 200 characters.";
            }
            else if (options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
            {
                problem = "Each option must be different.";
            }
            if (problem is not null)
            {
                errors[$"questions[{i}]"] = [problem];
                continue;
            }
            var id = ids.Assign(input.Id);
            questions.Add(new SurveyQuestion(id, type, input.Prompt.Trim(), string.IsNullOrWhiteSpace(input.Help) ? null : input.Help.Trim(), options, input.Required));
        }
        return questions;
    }

    public static IReadOnlyList<ProgramRole> AllRoles { get; } = Enum.GetValues<ProgramRole>();
}
