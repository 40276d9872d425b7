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
/// person. An anonymous survey's results cover its answers in whole groups of five, in the order they came in
/// (<see cref="Shown"/>). A post survey shows its pre survey's mean beside each question asked in both.
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
        var (answers, total) = await AnswersAsync(survey.Id, survey.Anonymous, ct);
        var paired = survey.PairedSurveyId is { } pairedId
            ? await db.Set<Survey>().Where(s => s.Id == pairedId).Select(s => new { s.Id, s.Title, s.Anonymous }).SingleOrDefaultAsync(ct)
            : null;
        var (pairedAnswers, pairedTotal) = paired is null ? ([], 0) : await AnswersAsync(paired.Id, paired.Anonymous, ct);
        // Groups of five people, not five answers: a pulse asks each person once per meeting held, so five answers can
        // be one person's (the coordinator knows which pair met). Each question is shown when its answers come from at
        // least five different people even if every repeat of the whole survey is among them.
        var respondents = await access.RespondentsAsync(surveyId, ct);
        var pairedRespondents = paired is null ? 0 : await access.RespondentsAsync(paired.Id, ct);
        var people = SurveyAccess.FewestPeople(answers.Count, total, respondents);
        if (people < MinimumGroup)
        {
            return new SurveyResults(survey.Id, survey.Title, survey.Anonymous, MinimumGroup, invited, answers.Count, false,
                $"Results are shown once at least {MinimumGroup} people have answered ({Math.Max(0, SurveyAccess.FewestPeople(total, total, respondents))} so far), so that no answer points at one person.",
                paired?.Id, paired?.Title, []);
        }
        var questions = survey.Questions()
            .Select(q => Result(q, answers, total, respondents, pairedAnswers, pairedTotal, pairedRespondents)).ToList();
        return new SurveyResults(survey.Id, survey.Title, survey.Anonymous, MinimumGroup, invited, answers.Count, true, null, paired?.Id, paired?.Title, questions);
    }

    /// <summary>The answers results are counted from, and how many the survey has in all.</summary>
    private async Task<(List<Dictionary<string, JsonElement>> Shown, int Total)> AnswersAsync(Guid surveyId, bool anonymous, CancellationToken ct)
    {
        var all = db.Set<SurveyResponse>().Where(r => r.SurveyId == surveyId);
        var total = await all.CountAsync(ct);
        var shown = anonymous ? Shown(total) : total;
        var json = await all.OrderBy(r => r.Position).Take(shown).Select(r => r.AnswersJson).ToListAsync(ct);
        return (json.Select(AnswerSheet.Parse).ToList(), total);
    }

    /// <summary>
    /// Of an anonymous survey's <paramref name="total"/> answers, how many its results cover: the first ones in the order
    /// they came in, in whole groups of <see cref="MinimumGroup"/> (0–4 answers: none, 5–9: the first 5, …). Recounting every
    /// answer on each read let a coordinator take one reading from the next and find the newest answer, whose author the
    /// invitations name (ADR 99); two readings now differ by five answers or none.
    /// </summary>
    public static int Shown(int total) => total / MinimumGroup * MinimumGroup;

    /// <param name="total">All the survey's answers, shown or not: each beyond one a person may be a repeat.</param>
    private static QuestionResult Result(SurveyQuestion q, List<Dictionary<string, JsonElement>> all, int total, int respondents,
        List<Dictionary<string, JsonElement>> paired, int pairedTotal, int pairedRespondents)
    {
        var values = all.Where(a => a.ContainsKey(q.Id)).Select(a => a[q.Id]).ToList();
        var pairedValues = paired.Where(a => a.ContainsKey(q.Id)).Select(a => a[q.Id]).ToList();
        if (SurveyAccess.FewestPeople(values.Count, total, respondents) < MinimumGroup)
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
                var pairedMean = Mean(pairedValues, pairedTotal, pairedRespondents);
                return new QuestionResult(q.Id, q.Type, q.Prompt, values.Count, false, Mean(values, total, respondents), distribution, [],
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
