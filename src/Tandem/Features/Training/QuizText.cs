using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Training;

/// <summary>
/// The quiz as the coordinators' page writes it in one text box: a block per question, blocks separated by an empty line;
/// the question on the first line, then one option per line starting with "- ", the correct one with "* ".
/// </summary>
public static class QuizText
{
    public static string Write(IReadOnlyList<QuizQuestion> questions) =>
        string.Join("\n\n", questions.Select(q => q.Text + "\n" + string.Join("\n", q.Options.Select((o, i) => (i == q.Correct ? "* " : "- ") + o))));

    /// <summary>The questions, keeping the ids of <paramref name="previous"/> (<see cref="TextBlockIds"/>); 400 on the field "quiz" naming the block that cannot be read.</summary>
    public static Outcome<IReadOnlyList<QuizQuestionInput>> Read(string? text, IReadOnlyList<QuizQuestion> previous)
    {
        var blocks = (text ?? "").Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var questions = new List<QuizQuestionInput>();
        foreach (var (block, n) in blocks.Select((b, n) => (b, n)))
        {
            var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var options = lines.Skip(1).ToList();
            if (options.Count == 0 || options.Any(o => !o.StartsWith("- ", StringComparison.Ordinal) && !o.StartsWith("* ", StringComparison.Ordinal)))
            {
                return Invalid.Field("quiz", $"Question {n + 1}: put the question on the first line and each option on its own line starting with “- ” (or “* ” for the correct one).");
            }
            var correct = options.FindIndex(o => o.StartsWith("* ", StringComparison.Ordinal));
            if (correct < 0 || options.Count(o => o.StartsWith("* ", StringComparison.Ordinal)) > 1)
            {
                return Invalid.Field("quiz", $"Question {n + 1}: mark exactly one option as correct with “* ”.");
            }
            questions.Add(new QuizQuestionInput(lines[0], options.Select(o => o[2..].Trim()).ToList(), correct, null));
        }
        var ids = TextBlockIds.Match(questions.Select(q => q.Text ?? "").ToList(), previous.Select(q => (q.Id, q.Text)).ToList());
        return questions.Select((q, i) => q with { Id = ids[i] }).ToList();
    }
}
