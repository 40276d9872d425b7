using System.Text.Json;

namespace Tandem.Features.Applications;

/// <summary>
/// Checks answers against the questions' types and normalises them for storage (one JSON object keyed by
/// question id). Drafts may be incomplete; a submission must answer every required question and consent to
/// every required consent. Errors are keyed "answers.{questionId}".
/// </summary>
public static class AnswerSheet
{
    public const int SlotsPerWeek = 168;
    public const int ShortTextMax = 200;
    public const int LongTextMax = 4000;

    public static string Key(string questionId) => $"answers.{questionId}";

    public static (Dictionary<string, JsonElement> Answers, Dictionary<string, string[]> Errors) Check(
        IReadOnlyList<Question> questions, IReadOnlyDictionary<string, JsonElement>? given, bool complete)
    {
        var answers = new Dictionary<string, JsonElement>();
        var errors = new Dictionary<string, string[]>();
        given ??= new Dictionary<string, JsonElement>();
        var byId = questions.ToDictionary(q => q.Id);
        foreach (var id in given.Keys.Where(k => !byId.ContainsKey(k)))
        {
            errors[Key(id)] = ["This form has no such question."];
        }
        foreach (var question in questions)
        {
            var value = given.TryGetValue(question.Id, out var v) ? v : default;
            var (normalised, error) = IsEmpty(value) ? (null, null) : Normalise(question, value);
            if (error is not null)
            {
                errors[Key(question.Id)] = [error];
                continue;
            }
            if (normalised is { } n)
            {
                answers[question.Id] = n;
            }
            var stored = normalised ?? default;
            if (complete && question.Required)
            {
                if (normalised is null)
                {
                    errors[Key(question.Id)] = [question.Type == QuestionType.Consent ? "Your consent is needed to apply." : "This question is required."];
                }
                else if (question.Type == QuestionType.Consent && !stored.GetBoolean())
                {
                    errors[Key(question.Id)] = ["Your consent is needed to apply."];
                }
            }
        }
        return (answers, errors);
    }

    public static string Serialize(Dictionary<string, JsonElement> answers) => JsonSerializer.Serialize(answers);

    public static Dictionary<string, JsonElement> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? [];

    /// <summary>Answers that a new form version still asks, with a valid value, carried over to it.</summary>
    public static Dictionary<string, JsonElement> CarryOver(IReadOnlyList<Question> questions, Dictionary<string, JsonElement> answers)
    {
        var kept = answers.Where(a => questions.Any(q => q.Id == a.Key)).ToDictionary();
        var (checkedAnswers, _) = Check(questions, kept, complete: false);
        return checkedAnswers;
    }

    /// <summary>
    /// Answers typed on one form version carried to another (an older draft opened on the current version, or a page whose
    /// form changed while it was open): an answer to a question sensitive in the old version goes only into a question still
    /// sensitive, and one to a private question only into a question still private, so that no answer reaches more readers
    /// than the version it was given on promised (ADR 104). The rest as <see cref="CarryOver(IReadOnlyList{Question}, Dictionary{string, JsonElement})"/>.
    /// </summary>
    public static Dictionary<string, JsonElement> CarryOver(IReadOnlyList<Question> from, IReadOnlyList<Question> to, IReadOnlyDictionary<string, JsonElement> answers)
    {
        var before = from.ToDictionary(q => q.Id);
        var after = to.ToDictionary(q => q.Id);
        var kept = answers.Where(a => after.TryGetValue(a.Key, out var next) && before.TryGetValue(a.Key, out var was)
                && (!was.Sensitive || next.Sensitive) && (!was.Private || next.Private))
            .ToDictionary();
        return CarryOver(to, kept);
    }

    /// <summary>A human-readable rendering of a stored answer (availability as UTC slots is shown by the pages).</summary>
    public static string Display(Question question, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array when question.Type == QuestionType.RankedChoice =>
            string.Join(", ", value.EnumerateArray().Select((e, i) => $"{i + 1}. {e}")),
        JsonValueKind.Array when question.Type == QuestionType.Availability => $"{Tandem.Infrastructure.Text.Counted.Of(value.GetArrayLength(), "hour")} a week",
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(e => e.ToString())),
        JsonValueKind.True => "Yes",
        JsonValueKind.False => "No",
        _ => value.ToString(),
    };

    /// <summary>A comparable value for sorting the review queue by an answer.</summary>
    public static IComparable? SortKey(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String => value.GetString()!.ToLowerInvariant(),
        JsonValueKind.True => 1d,
        JsonValueKind.False => 0d,
        JsonValueKind.Array => (double)value.GetArrayLength(),
        _ => null,
    };

    /// <summary>True when the answer is the value or (for lists) contains it, case-insensitively.</summary>
    public static bool Matches(JsonElement value, string wanted) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Any(e => string.Equals(e.ToString(), wanted, StringComparison.OrdinalIgnoreCase)),
        JsonValueKind.True or JsonValueKind.False => string.Equals(value.ToString(), wanted, StringComparison.OrdinalIgnoreCase)
            || (wanted.Equals("yes", StringComparison.OrdinalIgnoreCase) && value.GetBoolean())
            || (wanted.Equals("no", StringComparison.OrdinalIgnoreCase) && !value.GetBoolean()),
        _ => string.Equals(value.ToString(), wanted, StringComparison.OrdinalIgnoreCase),
    };

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => true,
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        _ => false,
    };

    private static (JsonElement? Value, string? Error) Normalise(Question q, JsonElement value)
    {
        switch (q.Type)
        {
            case QuestionType.SingleChoice:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return (null, "Choose one of the options.");
                }
                var choice = Option(q, value.GetString()!);
                return choice is null ? (null, "Choose one of the options.") : (JsonSerializer.SerializeToElement(choice), null);

            case QuestionType.MultipleChoice:
            case QuestionType.RankedChoice:
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    return (null, q.Type == QuestionType.RankedChoice ? "Give the options as a list in your order of preference." : "Choose from the options.");
                }
                var chosen = value.EnumerateArray().Select(e => Option(q, e.GetString()!)).ToList();
                if (chosen.Any(c => c is null))
                {
                    return (null, "Choose only from the options.");
                }
                if (chosen.Distinct().Count() != chosen.Count)
                {
                    return (null, "Choose each option once.");
                }
                if (q.Type == QuestionType.RankedChoice && chosen.Count != q.Options.Count)
                {
                    return (null, "Rank every option, each once.");
                }
                var ordered = q.Type == QuestionType.MultipleChoice
                    ? chosen.OrderBy(c => q.Options.ToList().IndexOf(c!)).ToList()
                    : chosen;
                return (JsonSerializer.SerializeToElement(ordered), null);

            case QuestionType.Scale:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n is >= 1 and <= 5
                    ? (JsonSerializer.SerializeToElement(n), null)
                    : (null, "Choose a number from 1 to 5.");

            case QuestionType.ShortText:
            case QuestionType.LongText:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return (null, "Answer with text.");
                }
                var text = value.GetString()!.Trim();
                var max = q.Type == QuestionType.ShortText ? ShortTextMax : LongTextMax;
                return text.Length > max
                    ? (null, $"Keep the answer to {max} characters or fewer.")
                    : (JsonSerializer.SerializeToElement(text), null);

            case QuestionType.Availability:
                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var s) || s is < 0 or >= SlotsPerWeek))
                {
                    return (null, "Give the hours of the week as numbers from 0 to 167.");
                }
                var slots = value.EnumerateArray().Select(e => e.GetInt32()).Distinct().Order().ToList();
                return (JsonSerializer.SerializeToElement(slots), null);

            case QuestionType.Consent:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? (JsonSerializer.SerializeToElement(value.GetBoolean()), null)
                    : (null, "Answer yes or no.");

            default:
                return (null, "Unknown question type.");
        }
    }

    private static string? Option(Question q, string given) =>
        q.Options.FirstOrDefault(o => string.Equals(o, given.Trim(), StringComparison.OrdinalIgnoreCase));
}
