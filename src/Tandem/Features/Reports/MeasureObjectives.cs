using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Outcomes;
using Tandem.Features.Programs;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Figures;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Reports;

/// <summary>
/// Measures each objective tied to a measure: its value now, whether it meets the threshold, and its value at
/// the end of each month so far (ADR 27). Answers <see cref="IObjectiveProgress"/> for the program page (which
/// has already checked that the reader manages the program) and the API through <see cref="RunAsync"/>.
/// </summary>
public sealed class MeasureObjectives(TandemDb db, ProgramAccess access, TimeProvider clock, GetOutcomeReport outcomes, IProgramGoalFigures goals) : IObjectiveProgress
{
    public async Task<Outcome<ProgramObjectives>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, withObjectives: true, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var facts = await ProgramFacts.LoadAsync(db, found.Value!, clock.GetUtcNow().UtcDateTime, ct);
        return new ProgramObjectives(programId, facts.Now, await MeasureAsync(facts, charts: false, ct));
    }

    public async Task<IReadOnlyList<ObjectiveProgress>> MeasureAsync(Guid programId, CancellationToken ct)
    {
        var program = await db.Programs.Where(p => p.Id == programId).Include(p => p.Objectives).AsNoTracking().SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return [];
        }
        var facts = await ProgramFacts.LoadAsync(db, program, clock.GetUtcNow().UtcDateTime, ct);
        return await MeasureAsync(facts, charts: true, ct);
    }

    public async Task<IReadOnlyList<ObjectiveProgress>> MeasureAsync(ProgramFacts facts, bool charts, CancellationToken ct)
    {
        var results = new List<ObjectiveProgress>();
        foreach (var o in facts.Program.Objectives.OrderBy(o => o.Position))
        {
            if (o.Measure is not { } measure || o.Threshold is not { } threshold)
            {
                results.Add(new ObjectiveProgress(o.Position, o.Description, o.Target, null, null, false, null, null, null, null,
                    "Not measured in Tandem: check this target by hand, or tie it to a measure when you edit the program.", [], null));
                continue;
            }
            var moments = facts.TrendMoments();
            Func<DateTime, Measured> at = measure switch
            {
                ObjectiveMeasure.MeetingRate => facts.MeetingRate,
                ObjectiveMeasure.Retention => facts.Retention,
                ObjectiveMeasure.SessionRating => facts.SessionRating,
                ObjectiveMeasure.SurveyItem => await SurveyItemAsync(facts.Program.Id, o.SurveyId, o.QuestionId, ct),
                ObjectiveMeasure.GoalsAchieved => await GoalsAchievedAsync(facts, ct),
                _ => await OutcomeAsync(facts.Program.Id, o.OutcomeMeasure, ct),
            };
            var now = at(facts.Now);
            // An outcome is measured once (before and after the program), so it has no month-by-month trend. A survey
            // question has none either: two points of a trend are two groups of at least five, and their difference
            // can be one person's anonymous answer (six people now, five at the end of last month; ADR 24).
            var trend = measure is ObjectiveMeasure.OutcomeChange or ObjectiveMeasure.SurveyItem ? [] : moments.Select(m =>
            {
                var point = at(m);
                return new TrendPoint(DateOnly.FromDateTime(m), point.Value, point.Value is { } x ? measure.Format(x) : point.HeldBack ?? "not measurable yet");
            }).ToList();
            bool? met = now.Value is { } value ? (o.AtMost ? value <= threshold : value >= threshold) : null;
            var chart = charts && trend.Count > 0 ? ChartDrawing.ToDataUri(TrendChart(o.Description, measure, threshold, trend)) : null;
            results.Add(new ObjectiveProgress(o.Position, o.Description, o.Target, measure, threshold, o.AtMost, now.Value,
                now.Value is { } n ? measure.Format(n) : null, (o.AtMost ? "at most " : "at least ") + measure.Format(threshold),
                met, now.Basis, trend, chart));
        }
        return results;
    }

    /// <summary>The objective's trend as a chart, the threshold drawn as a dashed line.</summary>
    public static Chart TrendChart(string title, ObjectiveMeasure measure, double threshold, IReadOnlyList<TrendPoint> trend) => new(
        title, ChartKind.Line,
        trend.Select((t, i) => i == trend.Count - 1 ? "Now" : t.AsOf.ToString("MMM yy")).ToList(),
        [new ChartSeries(measure.Label(), trend.Select(t => t.Value).ToList())],
        measure.IsPercentage() ? "%" : measure.Label(),
        threshold,
        measure.IsPercentage() ? 0 : measure == ObjectiveMeasure.SessionRating ? 1 : null,
        measure.IsPercentage() ? 100 : measure == ObjectiveMeasure.SessionRating ? 5 : null,
        v => measure.Format(v));

    /// <summary>
    /// A survey question's mean answer as of a moment (answers carry only their week). Like the survey's results,
    /// nothing is given for fewer than <see cref="GetSurveyResults.MinimumGroup"/> answers.
    /// </summary>
    private async Task<Func<DateTime, Measured>> SurveyItemAsync(Guid programId, Guid? surveyId, string? questionId, CancellationToken ct)
    {
        var survey = surveyId is { } id ? await db.Set<Survey>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.ProgramId == programId, ct) : null;
        var question = survey?.Questions().FirstOrDefault(q => q.Id == questionId);
        if (survey is null || question is null || !SurveyAnswerSheet.IsNumeric(question.Type))
        {
            var why = survey is null
                ? "The survey was not found in this program: edit the objective and give the id shown on the survey's results page."
                : $"The survey '{survey.Title}' has no number-scale question with the id '{questionId}'.";
            return _ => new Measured(null, why);
        }
        var responses = await db.Set<SurveyResponse>().Where(r => r.SurveyId == survey.Id).OrderBy(r => r.Position).Select(r => new { r.Week, r.AnswersJson }).ToListAsync(ct);
        // An anonymous survey's first answers in whole groups of five, as its results page shows (ADR 99); the repeats below count them all.
        var total = responses.Count;
        var shown = survey.Anonymous ? GetSurveyResults.Shown(total) : total;
        // Five different people, not five answers: a pulse's answers may be one person's, once per meeting (ADR 24).
        var respondents = await SurveyAccess.Respondents(db, survey.Id, ct);
        var answers = responses
            .Select((r, place) => (r.Week, Shown: place < shown, Answer: AnswerSheet.Parse(r.AnswersJson).GetValueOrDefault(question.Id)))
            .Where(r => r.Answer.ValueKind == JsonValueKind.Number)
            .Select(r => (r.Week, r.Shown, Value: r.Answer.GetDouble()))
            .ToList();
        return at =>
        {
            var day = DateOnly.FromDateTime(at);
            var given = answers.Where(a => a.Week <= day).ToList();
            var upTo = given.Where(a => a.Shown).Select(a => a.Value).ToList();
            return SurveyAccess.FewestPeople(upTo.Count, total, respondents) < GetSurveyResults.MinimumGroup
                ? new Measured(null, $"Shown once at least {GetSurveyResults.MinimumGroup} people have answered '{question.Prompt}' in '{survey.Title}' ({given.Count} so far).")
                : new Measured(upTo.Average(), $"The mean answer of {Counted.Of(upTo.Count, "person", "people")} to '{question.Prompt}' in '{survey.Title}'.");
        };
    }

    /// <summary>
    /// Pairs achieving a goal (ADR 68): of the relationships started by a moment (running or ended, like retention), the
    /// share with at least one goal marked achieved by then. A program whose pairs have set no goal measures 0%, and says so.
    /// </summary>
    private async Task<Func<DateTime, Measured>> GoalsAchievedAsync(ProgramFacts facts, CancellationToken ct)
    {
        var dates = (await goals.PairDatesAsync(facts.Program.Id, ct)).ToDictionary(d => d.RelationshipId);
        return at =>
        {
            var started = facts.Relationships.Where(r => r.StartedAt <= at).ToList();
            if (started.Count == 0)
            {
                return new Measured(null, "No relationship has started yet.");
            }
            var withGoal = 0;
            var achieved = 0;
            foreach (var r in started)
            {
                if (dates.TryGetValue(r.Id, out var d) && d.FirstSetAt <= at)
                {
                    withGoal++;
                    if (d.FirstAchievedAt is { } first && first <= at)
                    {
                        achieved++;
                    }
                }
            }
            var of = $"{achieved} of {Counted.Of(started.Count, "relationship")} that started";
            return withGoal == 0
                ? new Measured(0, $"{of}: no pair has set a goal yet, so none has achieved one.")
                : new Measured(100.0 * achieved / started.Count, $"{of} {(achieved == 1 ? "has" : "have")} achieved at least one goal ({withGoal} set one).");
        };
    }

    private async Task<Func<DateTime, Measured>> OutcomeAsync(Guid programId, string? measure, CancellationToken ct)
    {
        var report = await outcomes.ReportAsync(programId, ct);
        var analysis = report.Analysis?.Measures
            .FirstOrDefault(m => string.Equals(m.Measure, measure?.Trim(), StringComparison.OrdinalIgnoreCase));
        Measured result;
        if (report.Analysis is null)
        {
            result = new Measured(null, "No outcome data imported yet: import it on the program's outcomes page.");
        }
        else if (analysis is null)
        {
            result = new Measured(null, $"The imported outcome data have no measure called '{measure}'.");
        }
        else if (OutcomeDisclosure.IsSmall(analysis.Program))
        {
            result = new Measured(null, $"Only {Counted.Of(analysis.Program.N, "person", "people")} in the program group {(analysis.Program.N == 1 ? "has" : "have")} both a before and an after value of "
                + $"'{analysis.Measure}': a group of fewer than {SmallGroups.Minimum} is not measured, so that no one's change can be read off.");
        }
        else if (analysis.Program.MeanChange is not { } change)
        {
            result = new Measured(null, $"Nobody in the program group has both a before and an after value of '{analysis.Measure}'.");
        }
        else
        {
            var comparison = analysis.Comparison.MeanChange is { } c
                ? $" The comparison group's mean change was {c:+0.##;−0.##;0} ({analysis.Comparison.N} people); the outcome report says what the difference does and does not show."
                : OutcomeDisclosure.IsSmall(analysis.Comparison)
                    ? $" The comparison group has {Counted.Of(analysis.Comparison.N, "person", "people")}, fewer than {SmallGroups.Minimum}, so its change is not shown."
                    : " There is no comparison group for this measure.";
            result = new Measured(change, $"The mean change (after − before) of '{analysis.Measure}' for {Counted.Of(analysis.Program.N, "person", "people")} in the program group.{comparison}");
        }
        return _ => result;
    }
}

/// <summary>A program's objectives as measured at <paramref name="MeasuredAt"/>.</summary>
public sealed record ProgramObjectives(Guid ProgramId, DateTime MeasuredAt, IReadOnlyList<ObjectiveProgress> Objectives);
