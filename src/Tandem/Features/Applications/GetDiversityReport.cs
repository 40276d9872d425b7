using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

/// <summary>One answer's group: its count, or none when fewer than <see cref="GetDiversityReport.MinimumGroup"/> people are in it.</summary>
public sealed record DiversityGroupView(string Answer, int? Count, string Shown);

public sealed record DiversityQuestionView(string QuestionId, ProgramRole Role, string Prompt, IReadOnlyList<DiversityGroupView> Groups);

public sealed record DiversityReportView(Guid ProgramId, int MinimumGroup, IReadOnlyList<DiversityQuestionView> Questions);

/// <summary>
/// The program's sensitive questions, answer by answer, over submitted applications (ADR 49): only answers given with consent
/// count (the others were never stored where this reads); "Not shared" counts everyone else who applied; a group of fewer than
/// <see cref="MinimumGroup"/> shows "fewer than 5", and when a question has exactly one such group the next smallest is hidden
/// too, so no hidden count can be worked out from the others. A text question has only "Answered" and "Not shared"; a choice
/// question's answers that are no current option count as "Other" (ADR 118). The program's coordinators only.
/// </summary>
public sealed class GetDiversityReport(TandemDb db, ScreeningAccess access)
{
    public const int MinimumGroup = 5;
    public const string NotShared = "Not shared";
    public const string FewerThan = "fewer than 5";
    /// <summary>A text question's only group besides <see cref="NotShared"/>: what was typed is never a group label.</summary>
    public const string Answered = "Answered";
    /// <summary>A choice question's answers that are not a current option (an option removed or renamed since).</summary>
    public const string Other = "Other";

    public async Task<Outcome<DiversityReportView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var forms = await db.Set<Questionnaire>().AsNoTracking().Where(q => q.ProgramId == programId).ToListAsync(ct);
        var sensitive = forms.GroupBy(f => f.Role).SelectMany(g => g.MaxBy(f => f.Version)!.Questions().Where(q => q.Sensitive).Select(q => (Role: g.Key, Question: q)))
            .OrderBy(x => x.Role).ThenBy(x => x.Question.Prompt, StringComparer.Ordinal).ToList();
        var roles = sensitive.Select(s => s.Role).Distinct().ToList();
        var applications = await db.Set<Application>().AsNoTracking()
            .Where(a => a.ProgramId == programId && a.SubmittedAt != null && roles.Contains(a.Role))
            .Select(a => new { a.Role, a.AnswersJson }).ToListAsync(ct);
        var questions = new List<DiversityQuestionView>();
        foreach (var (role, question) in sensitive)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var option in question.Options)
            {
                counts[option] = 0;
            }
            var notShared = 0;
            var other = 0;
            // A typed answer is its writer's words, and a retired option may be one person's: neither becomes a group of its
            // own, which would name what one person wrote (ADR 118).
            var typed = question.Type is QuestionType.ShortText or QuestionType.LongText;
            var choice = question.Type is QuestionType.SingleChoice or QuestionType.MultipleChoice or QuestionType.RankedChoice;
            if (typed)
            {
                counts[Answered] = 0;
            }
            foreach (var application in applications.Where(a => a.Role == role))
            {
                var answers = AnswerSheet.Parse(application.AnswersJson);
                var given = answers.TryGetValue(question.Id, out var answer) ? Values(answer).ToList() : [];
                if (given.Count == 0)
                {
                    notShared++;
                }
                else if (typed)
                {
                    counts[Answered]++;
                }
                else if (choice)
                {
                    foreach (var value in given)
                    {
                        if (question.Options.Contains(value, StringComparer.Ordinal))
                        {
                            counts[value]++;
                        }
                        else
                        {
                            other++;
                        }
                    }
                }
                else
                {
                    foreach (var value in given)
                    {
                        counts[value] = counts.GetValueOrDefault(value) + 1;
                    }
                }
            }
            if (other > 0)
            {
                counts[Other] = counts.GetValueOrDefault(Other) + other;
            }
            counts[NotShared] = notShared;
            questions.Add(new DiversityQuestionView(question.Id, role, question.Prompt, Suppress(counts)));
        }
        return new DiversityReportView(programId, MinimumGroup, questions);
    }

    /// <summary>Small groups hidden; a lone hidden group takes the next smallest with it (no working it out by subtraction).</summary>
    internal static IReadOnlyList<DiversityGroupView> Suppress(IReadOnlyDictionary<string, int> counts)
    {
        var hidden = counts.Where(c => c.Value < MinimumGroup).Select(c => c.Key).ToHashSet();
        if (hidden.Count == 1 && counts.Count > 1)
        {
            hidden.Add(counts.Where(c => !hidden.Contains(c.Key)).OrderBy(c => c.Value).First().Key);
        }
        return counts.Select(c => hidden.Contains(c.Key) ? new DiversityGroupView(c.Key, null, FewerThan) : new DiversityGroupView(c.Key, c.Value, c.Value.ToString()))
            .ToList();
    }

    private static IEnumerable<string> Values(JsonElement answer) => answer.ValueKind switch
    {
        JsonValueKind.Array => answer.EnumerateArray().Select(Text).Where(t => t.Length > 0),
        JsonValueKind.Null or JsonValueKind.Undefined => [],
        _ => Text(answer) is { Length: > 0 } text ? [text] : [],
    };

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : value.GetRawText();
}
