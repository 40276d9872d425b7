namespace Tandem.Features.Applications;

/// <summary>
/// The question ids of one questionnaire or survey being saved: the ids given must be unique (an error under
/// "questions" otherwise), and a question without one gets the next free "qN". Application forms and surveys
/// share it so that their ids follow one rule.
/// </summary>
public sealed class QuestionIds
{
    private readonly List<string> used;
    private int next = 1;

    public QuestionIds(IEnumerable<string?> given, Dictionary<string, string[]> errors)
    {
        used = given.Where(id => !string.IsNullOrWhiteSpace(id)).Select(id => id!.Trim()).ToList();
        foreach (var duplicate in used.GroupBy(id => id).Where(g => g.Count() > 1))
        {
            errors["questions"] = [$"The question id '{duplicate.Key}' is used twice."];
        }
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
