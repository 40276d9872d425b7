namespace Tandem.Features.Applications;

/// <summary>
/// The question ids of one questionnaire or survey being saved: the ids given must be unique (an error under
/// "questions" otherwise), and a question without one gets the next free "qN" that no question of the form uses and no
/// earlier question of it used (<c>retired</c>): a removed question's id given to a new one would make the answers
/// given to the removed question read as answers to the new one. Application forms and surveys share it so that their
/// ids follow one rule.
/// </summary>
public sealed class QuestionIds
{
    private readonly List<string> used;
    private int next = 1;

    /// <summary>What a given id looks like (the API's annotation says the same).</summary>
    public const string FormatRule = "A question id has at most 40 characters: lowercase letters, digits, '-' and '_'.";

    public QuestionIds(IEnumerable<string?> given, Dictionary<string, string[]> errors, IEnumerable<string>? retired = null)
    {
        used = given.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!.Trim()).ToList();
        foreach (var duplicate in used.GroupBy(id => id).Where(g => g.Count() > 1))
        {
            errors["questions"] = [$"The question id '{duplicate.Key}' is used twice."];
        }
        used.AddRange(retired ?? []);
    }

    /// <summary>Whether a given id keeps <see cref="FormatRule"/> (an empty one is made).</summary>
    public static bool IsWellFormed(string id)
    {
        var trimmed = id.Trim();
        if (trimmed.Length == 0)
        {
            return true;
        }
        return trimmed.Length <= 40 && (char.IsAsciiLetterLower(trimmed[0]) || char.IsAsciiDigit(trimmed[0]))
            && trimmed.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');
    }

    /// <summary>The given id (trimmed), or the next "qN" that no question of the form uses.</summary>
    public string Assign(string? given)
    {
        var id = given?.Trim();
        if (!string.IsNullOrEmpty(id))
        {
            return id;
        }
        while (used.Contains($"q{next}"))
        {
            next++;
        }
        id = $"q{next}";
        used.Add(id);
        return id;
    }
}
