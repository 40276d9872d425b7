using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Surveys;

/// <summary>
/// A survey's results for its coordinators: per question, how many answered, the distribution, the mean of a
/// number scale, and the text answers in no particular order. Nothing is shown for a group of fewer than
/// <see cref="MinimumGroup"/> answers (the whole survey, or one question), so a result never points at one
/// person. A post survey shows its pre survey's mean beside each question asked in both.
/// </summary>
public sealed class GetSurveyResults(TandemDb db, SurveyAccess access)
{
    public const int MinimumGroup = Infrastructure.Figures.SmallGroups.Minimum;

    public async Task<Outcome<SurveyResults>> RunAsync(Actor actor, Guid surveyId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, surveyId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var survey = found.Value!;
        var (invited, _) = await access.CountsAsync(surveyId, ct);
        var answers = await AnswersAsync(surveyId, ct);
        var paired = survey.PairedSurveyId is { } pairedId
            ? await db.Set<Survey>().Where(s => s.Id == pairedId).Select(s => new { s.Id, s.Title }).SingleOrDefaultAsync(ct)
            : null;
        var pairedAnswers = paired is null ? [] : await AnswersAsync(paired.Id, ct);
        // Groups of five people, not five answers: a pulse asks each person once per meeting held, so five answers can
        // be one person's (the coordinator knows which pair met). Each question is shown when its answers come from at
        // least five different people even if every repeat answered it.
        var respondents = await access.RespondentsAsync(surveyId, ct);
        var pairedRespondents = paired is null ? 0 : await access.RespondentsAsync(paired.Id, ct);
        var people = SurveyAccess.FewestPeople(answers.Count, answers.Count, respondents);
        if (people < MinimumGroup)
        {
            return new SurveyResults(survey.Id, survey.Title, survey.Anonymous, MinimumGroup, invited, answers.Count, false,
                $"Results are shown once at least {MinimumGroup} people have answered ({Math.Max(0, people)} so far), so that no answer points at one person.",
                paired?.Id, paired?.Title, []);
        }
        var questions = survey.Questions()
            .Select(q => Result(q, answers, respondents, pairedAnswers, pairedRespondents)).ToList();
        return new SurveyResults(survey.Id, survey.Title, survey.Anonymous, MinimumGroup, invited, answers.Count, true, null, paired?.Id, paired?.Title, questions);
    }

    private async Task<List<Dictionary<string, JsonElement>>> AnswersAsync(Guid surveyId, CancellationToken ct) =>
        (await db.Set<SurveyResponse>().Where(r => r.SurveyId == surveyId).Select(r => r.AnswersJson).ToListAsync(ct))
            .Select(AnswerSheet.Parse).ToList();

    private static QuestionResult Result(SurveyQuestion q, List<Dictionary<string, JsonElement>> all, int respondents,
        List<Dictionary<string, JsonElement>> paired, int pairedRespondents)
    {
        var values = all.Where(a => a.ContainsKey(q.Id)).Select(a => a[q.Id]).ToList();
        var pairedValues = paired.Where(a => a.ContainsKey(q.Id)).Select(a => a[q.Id]).ToList();
        if (SurveyAccess.FewestPeople(values.Count, all.Count, respondents) < MinimumGroup)
        {
            return new QuestionResult(q.Id, q.Type, q.Prompt, values.Count, true, null, [], [], null, null);
        }
        double? Mean(List<JsonElement> v, int total, int people) => SurveyAccess.FewestPeople(v.Count, total, people) >= MinimumGroup
            && v.All(e => e.ValueKind == JsonValueKind.Number) ? Math.Round(v.Average(e => e.GetDouble()), 2) : null;
        switch (q.Type)
        {
            case SurveyQuestionType.Likert or SurveyQuestionType.Rating or SurveyQuestionType.Scale:
                var (min, max) = SurveyAnswerSheet.Range(q.Type);
                var distribution = Enumerable.Range(min, max - min + 1)
                    .Select(n => new OptionCount(q.Type == SurveyQuestionType.Likert ? SurveyAnswerSheet.LikertLabels[n - 1] : n.ToString(),
                        values.Count(v => v.ValueKind == JsonValueKind.Number && v.GetInt32() == n)))
                    .ToList();
                var pairedMean = Mean(pairedValues, paired.Count, pairedRespondents);
                return new QuestionResult(q.Id, q.Type, q.Prompt, values.Count, false, Mean(values, all.Count, respondents), distribution, [],
                    pairedMean, pairedMean is null ? null : pairedValues.Count);
            case SurveyQuestionType.SingleChoice or SurveyQuestionType.MultipleChoice:
                var counts = q.Options.Select(o => new OptionCount(o, values.Count(v => AnswerSheet.Matches(v, o)))).ToList();
                return new QuestionResult(q.Id, q.Type, q.Prompt, values.Count, false, null, counts, [], null, null);
            default:
                // Shuffled: the order they were stored in must not hint at who wrote which.
                var texts = values.Select(v => v.ToString()).ToArray();
                RandomNumberGenerator.Shuffle(texts.AsSpan());
                return new QuestionResult(q.Id, q.Type, q.Prompt, values.Count, false, null, [], texts, null, null);
        }
    }
}
