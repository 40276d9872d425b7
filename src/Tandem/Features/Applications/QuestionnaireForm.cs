namespace Tandem.Features.Applications;

/// <summary>
/// The form editor's rows: the questions as they are, a row added with "Add a question" (no fixed empty slots); a row
/// with an empty prompt is left out; options one per line.
/// </summary>
public sealed class QuestionnaireForm
{
    /// <summary>As many rows as a questionnaire may have questions.</summary>
    public const int MaxRows = SaveQuestionnaireRequest.MaxQuestions;

    public List<QuestionRow> Rows { get; set; } = [];

    public static QuestionnaireForm From(IEnumerable<Question> questions)
    {
        var form = new QuestionnaireForm
        {
            Rows = questions.Select(q => new QuestionRow
            {
                Id = q.Id,
                Type = q.Type,
                Prompt = q.Prompt,
                Help = q.Help,
                Options = string.Join("\n", q.Options),
                Required = q.Required,
                Private = q.Private,
                Criterion = q.Criterion,
                Sensitive = q.Sensitive,
                Explanation = q.Explanation,
            }).ToList(),
        };
        if (form.Rows.Count == 0)
        {
            form.Rows.Add(new QuestionRow());
        }
        return form;
    }

    public SaveQuestionnaireRequest ToRequest() => new()
    {
        Questions = Rows.Where(r => !string.IsNullOrWhiteSpace(r.Prompt)).Select(r => new QuestionInput
        {
            Id = string.IsNullOrWhiteSpace(r.Id) ? null : r.Id.Trim(),
            Type = r.Type,
            Prompt = r.Prompt!.Trim(),
            Help = r.Help,
            Options = (r.Options ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList(),
            Required = r.Required,
            Private = r.Private,
            Criterion = r.Criterion,
            Sensitive = r.Sensitive,
            Explanation = r.Explanation,
        }).ToList(),
    };
}

public sealed class QuestionRow
{
    public string? Id { get; set; }
    public QuestionType Type { get; set; } = QuestionType.ShortText;
    public string? Prompt { get; set; }
    public string? Help { get; set; }
    public string? Options { get; set; }
    public bool Required { get; set; }
    public bool Private { get; set; }
    public CriterionKind? Criterion { get; set; }
    public bool Sensitive { get; set; }
    public string? Explanation { get; set; }
}
