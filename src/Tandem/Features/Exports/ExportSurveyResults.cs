using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Exports;

/// <summary>What a coordinator can download about a survey: its results, and a named survey's answers by person.</summary>
public enum SurveyExportKind { Results, Responses }

/// <summary>
/// A survey's results as a table, for its coordinators only, under the rules of its pages: the results exactly as
/// <see cref="GetSurveyResults"/> shows them (nothing for fewer than five answers, in the same words), and for a
/// named survey the answers person by person as <see cref="ListSurveyResponses"/> lists them. An anonymous
/// survey's answers are linked to nobody, so there is nothing per person to export (409). A download of minors' named
/// answers is written to the audit log first, as the list is. Every refusal (an XLSX over its row limit too: 413) and the
/// audit entry come before the table is handed over; the answers by person are read in keyset batches while the file is
/// written (ADR 123).
/// </summary>
public sealed class ExportSurveyResults(TandemDb db, GetSurveyResults results, GetSurvey surveys, Privacy.AuditLog audit, IOptions<ExportOptions> options)
{
    public static readonly string[] ResultColumns =
        ["Question id", "Question", "Type", "Answered", "Answer", "Count", "Mean", "Mean before", "Answered before", "Note"];

    public async Task<Outcome<ExportTable>> RunAsync(Actor actor, Guid surveyId, SurveyExportKind kind, ExportFormat format, CancellationToken ct = default) =>
        kind == SurveyExportKind.Results ? await ResultsAsync(actor, surveyId, format, ct) : await ResponsesAsync(actor, surveyId, format, ct);

    private async Task<Outcome<ExportTable>> ResultsAsync(Actor actor, Guid surveyId, ExportFormat format, CancellationToken ct)
    {
        var outcome = await results.RunAsync(actor, surveyId, ct);
        if (outcome.Failure is { } failure)
        {
            return failure;
        }
        var shown = outcome.Value!;
        var rows = new List<object?[]>();
        if (!shown.Shown)
        {
            rows.Add([null, "All questions", null, shown.Responses, null, null, null, null, null, shown.Message]);
        }
        foreach (var q in shown.Questions)
        {
            object?[] Line(string? answer, int? count, string? note = null) =>
                [q.Id, q.Prompt, q.Type.ToString(), q.Answered, answer, count, q.Mean, q.PairedMean, q.PairedAnswered, note];
            if (q.Hidden)
            {
                rows.Add(Line(null, null, SurveyText.HiddenQuestion(shown.MinimumGroup)));
                continue;
            }
            rows.AddRange(q.Distribution.Select(o => Line(o.Label, o.Count)));
            rows.AddRange(q.Texts.Select(t => Line(t, null)));
        }
        // One row per answer option or text answer: never a program's rows, so made whole as the results page makes them.
        if (format == ExportFormat.Xlsx && rows.Count > options.Value.XlsxMaxRows)
        {
            return ExportCells.TooManyRowsForXlsx(rows.Count, options.Value.XlsxMaxRows);
        }
        return new ExportTable("Survey results", ResultColumns, rows.ToAsyncEnumerable());
    }

    private sealed record ResponseRow(Guid Id, string DisplayName, ProgramRole? Role, DateTime SubmittedAt, string AnswersJson);

    private async Task<Outcome<ExportTable>> ResponsesAsync(Actor actor, Guid surveyId, ExportFormat format, CancellationToken ct)
    {
        var outcome = await surveys.RunAsync(actor, surveyId, ct);
        if (outcome.Failure is { } failure)
        {
            return failure;
        }
        var survey = outcome.Value!;
        if (survey.Anonymous)
        {
            return new Conflict(SurveyText.NoListByPerson);
        }
        // As the list by person: newest first, only answers with a person (every answer of a named survey, each with the time it
        // was given: the keyset's first column).
        var named = db.Set<SurveyResponse>().AsNoTracking().Where(r => r.SurveyId == surveyId && r.UserId != null && r.SubmittedAt != null)
            .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => new { Response = r, User = u });
        if (format == ExportFormat.Xlsx && await named.CountAsync(ct) is var count && count > options.Value.XlsxMaxRows)
        {
            return ExportCells.TooManyRowsForXlsx(count, options.Value.XlsxMaxRows);
        }
        var people = await named.Select(n => n.User.Id).Distinct().ToListAsync(ct);
        await ListSurveyResponses.RecordAsync(audit, actor, survey.Id, survey.OrganisationId, survey.ProgramId, people, ct);
        var questions = survey.Questions;
        async IAsyncEnumerable<object?[]> Rows([EnumeratorCancellation] CancellationToken ct = default)
        {
            // The first condition repeats what the second says, so that the batch is a range of IX_SurveyResponses_SurveyId_SubmittedAt
            // from the last row written (ADR 133).
            await foreach (var batch in ExportCells.PagesAsync<ResponseRow>((after, ct) => (after is null ? named : named.Where(n => n.Response.SubmittedAt <= after.SubmittedAt
                    && (n.Response.SubmittedAt < after.SubmittedAt || n.Response.SubmittedAt == after.SubmittedAt && n.Response.Id.CompareTo(after.Id) > 0)))
                .OrderByDescending(n => n.Response.SubmittedAt).ThenBy(n => n.Response.Id)
                .Select(n => new ResponseRow(n.Response.Id, n.User.DisplayName, n.Response.Role, n.Response.SubmittedAt!.Value, n.Response.AnswersJson))
                .Take(ExportCells.BatchSize).ToListAsync(ct), ct))
            {
                foreach (var r in batch)
                {
                    var answers = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(r.AnswersJson) ?? [];
                    yield return [r.DisplayName, r.Role?.ToString(), r.SubmittedAt, .. questions.Select(q => answers.TryGetValue(q.Id, out var a) ? Cell(a) : null)];
                }
            }
        }
        return new ExportTable("Answers by person", ["Name", "Role", "Submitted (UTC)", .. questions.Select(q => q.Prompt)], Rows());
    }

    /// <summary>An answer as a cell: a number stays a number, choices are joined with "; ", text stays text.</summary>
    private static object? Cell(JsonElement answer) => answer.ValueKind switch
    {
        JsonValueKind.Number when answer.TryGetInt32(out var n) => n,
        JsonValueKind.Number => answer.GetDouble(),
        JsonValueKind.String => answer.GetString(),
        JsonValueKind.Array => string.Join("; ", answer.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.ToString())),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => answer.ToString(),
    };

    public static string Slug(SurveyExportKind kind) => kind.ToString().ToLowerInvariant();

    public static SurveyExportKind? KindOf(string slug) =>
        Enum.GetValues<SurveyExportKind>().Cast<SurveyExportKind?>().FirstOrDefault(k => Slug(k!.Value) == slug.ToLowerInvariant());

    /// <summary>Not the survey's title, which may hold anything a file name cannot.</summary>
    public static string FileName(SurveyExportKind kind, ExportFormat format) =>
        $"survey-{Slug(kind)}.{format.ToString().ToLower(CultureInfo.InvariantCulture)}";
}
