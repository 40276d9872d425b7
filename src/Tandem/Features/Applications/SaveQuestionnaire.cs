using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Applications;

public sealed class QuestionInput
{
    /// <summary>Stable key; keep it when editing so answers carry over to the next version. Generated when empty.</summary>
    [StringLength(40), RegularExpression("^[a-z0-9][a-z0-9_-]*$", ErrorMessage = "A question id uses lowercase letters, digits, '-' and '_'.")]
    public string? Id { get; set; }

    [Required]
    public QuestionType? Type { get; set; }

    [Required, StringLength(500, MinimumLength = 2)]
    public string Prompt { get; set; } = "";

    [StringLength(1000)]
    public string? Help { get; set; }

    [MaxLength(20)]
    public List<string> Options { get; set; } = [];

    public bool Required { get; set; }
    public bool Private { get; set; }
    public CriterionKind? Criterion { get; set; }

    /// <summary>Background, gender, ethnicity, disability: optional, explained, used only with the applicant's consent (ADR 49).</summary>
    public bool Sensitive { get; set; }

    /// <summary>Why the question is asked and how the answer is used, shown to the applicant; required for a sensitive question.</summary>
    [StringLength(1000)]
    public string? Explanation { get; set; }
}

public sealed class SaveQuestionnaireRequest
{
    public const int MaxQuestions = 100;

    [Required, MaxLength(MaxQuestions, ErrorMessage = "A form has at most 100 questions.")]
    public List<QuestionInput> Questions { get; set; } = [];
}

/// <summary>
/// A coordinator saves the form of a role. While nobody has answered the current version it is edited in place;
/// once someone has (even a draft), or when the edit changes whether a kept question is sensitive or private, the edit
/// becomes the next version and the earlier one stays as it was.
/// </summary>
public sealed class SaveQuestionnaire(TandemDb db, ScreeningAccess access, TimeProvider clock)
{
    public async Task<Outcome<QuestionnaireView>> RunAsync(Actor actor, Guid programId, string role, SaveQuestionnaireRequest request, CancellationToken ct = default)
    {
        var found = await access.FindAsync(actor, programId, coordinatorOnly: true, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (ScreeningAccess.CheckRole(found.Value.Program, role, out var programRole) is { } wrongRole)
        {
            return wrongRole;
        }
        // Every version of the role's form: a new question never takes an id any of them used (answers to a removed
        // question are carried over by id when the applicant opens the next version).
        var versions = await db.Set<Questionnaire>()
            .Where(q => q.ProgramId == programId && q.Role == programRole)
            .OrderByDescending(q => q.Version).ToListAsync(ct);
        var checkedQuestions = Check(request.Questions, versions.SelectMany(v => v.Questions()).ToList());
        if (checkedQuestions.Failure is { } invalid)
        {
            return invalid;
        }
        var questions = checkedQuestions.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        var current = versions.FirstOrDefault();
        var answered = current is not null && await db.Set<Application>().AnyAsync(a => a.QuestionnaireId == current.Id, ct);
        Questionnaire saved;
        if (current is not null && !answered && !ChangesWhoReads(current.Questions(), questions))
        {
            current.Replace(questions, actor.UserId, now);
            saved = current;
        }
        else
        {
            saved = new Questionnaire(programId, programRole, (current?.Version ?? 0) + 1, questions, actor.UserId, now);
            db.Add(saved);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another save made the same next version at the same moment (a double click): that one stands.
            return new Conflict("The form was saved by another request at the same moment; reload it and save again if anything is missing.");
        }
        return new QuestionnaireView(saved.Id, programId, programRole, saved.Version, questions, 0, saved.CreatedAt, saved.UpdatedAt);
    }

    /// <summary>
    /// Whether a question kept by id changes its Sensitive or Private flag: such an edit is the next version even while nobody
    /// has answered the current one, so that a page opened on the current one (whose version it posts) is sent back to check
    /// its answers instead of saving them under flags the applicant never saw (ADR 104).
    /// </summary>
    internal static bool ChangesWhoReads(IReadOnlyList<Question> before, IReadOnlyList<Question> after) =>
        after.Any(q => before.FirstOrDefault(b => b.Id == q.Id) is { } was && (was.Sensitive != q.Sensitive || was.Private != q.Private));

    /// <param name="earlier">The questions of the role's earlier versions, newest version first.</param>
    internal static Outcome<List<Question>> Check(IReadOnlyList<QuestionInput> inputs, IReadOnlyList<Question> earlier)
    {
        var errors = new Dictionary<string, string[]>();
        var questions = new List<Question>();
        var ids = new QuestionIds(inputs.Select(i => i.Id), errors, earlier.Select(q => q.Id).Distinct());
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var key = $"questions[{i}]";
            var type = input.Type ?? QuestionType.ShortText;
            var options = input.Options.Select(o => o.Trim()).Where(o => o.Length > 0).ToList();
            // The editor page's form posts a type as a number too ("9"), which binds as a type that does not exist: stored, it
            // made every read of the form fail (ADR 118). The page does not run the API's annotations, so the lengths are here.
            var problem = !Enum.IsDefined(type) ? "Choose one of the question types."
                : input.Help?.Trim().Length > 1000 ? "A help text has at most 1000 characters."
                : input.Options.Count > 20 ? "A question has at most 20 options."
                : Problem(type, options, input.Criterion);
            // A kept question's earlier answers stay with its id: a new kind of answer beside them would not compare (the
            // queue sorts by it) nor carry over, so a different kind of answer is a new question (ADR 118).
            if (problem is null && input.Id?.Trim() is { Length: > 0 } keptId
                && earlier.FirstOrDefault(q => q.Id == keptId) is { } was && AnswerKind(was.Type) != AnswerKind(type))
            {
                problem = $"Question {keptId} was a {was.Type} question, and its answers stay with it: add a new question instead of changing its type to {type}.";
            }
            if (string.IsNullOrWhiteSpace(input.Prompt) || input.Prompt.Trim().Length > 500)
            {
                problem ??= "A question needs a prompt of up to 500 characters.";
            }
            if (input.Id is { } given && !QuestionIds.IsWellFormed(given))
            {
                problem ??= QuestionIds.FormatRule;
            }
            if (input.Sensitive && input.Required)
            {
                problem ??= "A sensitive question cannot be required: answering it is the applicant's choice.";
            }
            if (input.Sensitive && (string.IsNullOrWhiteSpace(input.Explanation) || input.Explanation.Trim().Length > 1000))
            {
                problem ??= "A sensitive question needs an explanation (up to 1000 characters) of why it is asked and how the answer is used.";
            }
            if (problem is not null)
            {
                errors[key] = [problem];
                continue;
            }
            var id = ids.Assign(input.Id);
            questions.Add(new Question(id, type, input.Prompt.Trim(), string.IsNullOrWhiteSpace(input.Help) ? null : input.Help.Trim(),
                options, input.Required, input.Private, input.Criterion, input.Sensitive,
                input.Sensitive ? input.Explanation!.Trim() : null));
        }
        return errors.Count > 0 ? new Invalid(errors) : questions;
    }

    /// <summary>What an answer to a question of the type is stored as: types with the same kind may replace each other.</summary>
    private static string AnswerKind(QuestionType type) => type switch
    {
        QuestionType.ShortText or QuestionType.LongText or QuestionType.SingleChoice => "text",
        QuestionType.MultipleChoice or QuestionType.RankedChoice => "list of options",
        QuestionType.Scale => "number",
        QuestionType.Availability => "hours",
        _ => "yes or no",
    };

    private static string? Problem(QuestionType type, List<string> options, CriterionKind? criterion)
    {
        var hasOptions = type is QuestionType.SingleChoice or QuestionType.MultipleChoice or QuestionType.RankedChoice;
        if (hasOptions && options.Count < 2)
        {
            return "A choice question needs at least two options.";
        }
        if (!hasOptions && options.Count > 0)
        {
            return $"A {type} question has no options.";
        }
        if (options.Any(o => o.Length > 200))
        {
            return "An option has at most 200 characters.";
        }
        if (options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
        {
            return "Each option must be different.";
        }
        var fits = criterion switch
        {
            null => true,
            CriterionKind.SharedValues => type is QuestionType.MultipleChoice or QuestionType.RankedChoice or QuestionType.SingleChoice,
            CriterionKind.AvailabilityOverlap => type is QuestionType.Availability,
            CriterionKind.SameValue or CriterionKind.DifferentValue => type is QuestionType.SingleChoice or QuestionType.Scale or QuestionType.Consent,
            CriterionKind.NumericGap => type is QuestionType.Scale,
            _ => false,
        };
        return fits ? null : $"A {type} question cannot be a {criterion} matching criterion.";
    }
}
