using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tandem.Features.Applications;
using Tandem.Matching;
using EngineKind = Tandem.Matching.CriterionKind;
using QuestionKind = Tandem.Features.Applications.CriterionKind;

namespace Tandem.Features.Matching;

/// <summary>
/// The one door between questionnaire answers and the matching engine: a program's criteria (which question is
/// compared how) become the engine's <see cref="Criterion"/> list, and one person's answers become an engine
/// <see cref="Participant"/>. The engine stays pure (it knows no questionnaires); everything in the app that scores
/// people (pool matching, candidate lists, mentor ranking) goes through here.
/// </summary>
public static class EngineAdapter
{
    /// <summary>
    /// A question's criterion kind as the engine's. The two enums are separate on purpose (the engine has no
    /// reference to the app) and mapped by name here, never cast: a kind added on one side only fails loudly.
    /// </summary>
    public static EngineKind Kind(QuestionKind kind) => kind switch
    {
        QuestionKind.SharedValues => EngineKind.SharedValues,
        QuestionKind.AvailabilityOverlap => EngineKind.AvailabilityOverlap,
        QuestionKind.SameValue => EngineKind.SameValue,
        QuestionKind.DifferentValue => EngineKind.DifferentValue,
        QuestionKind.NumericGap => EngineKind.NumericGap,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "This criterion kind has no counterpart in the matching engine."),
    };

    /// <summary>The engine's criteria for a setup; criterion i reads the participants' field "c{i}" (see <see cref="Participant"/>).</summary>
    public static IReadOnlyList<Criterion> Criteria(IReadOnlyList<SetupCriterion> criteria) =>
        criteria.Select((c, i) => new Criterion(c.Name, Kind(c.Kind), c.Weight, c.Required, Field(i), Field(i), c.Minimum, c.Maximum)).ToList();

    /// <summary>
    /// One person's application answers as the engine's features under a setup's criteria: the mentee's question of
    /// each criterion when <paramref name="mentee"/>, the mentor's otherwise (peers: the mentee's side both ways).
    /// </summary>
    public static Participant Participant(string id, IReadOnlyDictionary<string, JsonElement> answers, IReadOnlyList<SetupCriterion> criteria, bool mentee)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>();
        var numbers = new Dictionary<string, double>();
        IReadOnlyList<int>? availability = null;
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            if (!answers.TryGetValue(mentee ? c.MenteeQuestionId : c.MentorQuestionId, out var answer))
            {
                continue;
            }
            switch (c.Kind)
            {
                case QuestionKind.AvailabilityOverlap:
                    availability ??= Slots(answer);
                    break;
                case QuestionKind.NumericGap:
                    if (Number(answer) is { } n)
                    {
                        numbers[Field(i)] = n;
                    }
                    break;
                default:
                    values[Field(i)] = Values(answer);
                    break;
            }
        }
        return new Participant(id, values, availability, numbers);
    }

    /// <summary>An availability answer's weekly hour slots (0–167); anything else in it is ignored.</summary>
    public static IReadOnlyList<int> Slots(JsonElement answer) => answer.ValueKind == JsonValueKind.Array
        ? answer.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var s) && s is >= 0 and < WeeklySlots.Count).Select(e => e.GetInt32()).ToList()
        : [];

    public static string Field(int index) => $"c{index}";

    /// <summary>A choice answer's values as the criteria compare them (a single answer as one value; booleans as Yes/No).</summary>
    internal static IReadOnlyList<string> Values(JsonElement answer) => answer.ValueKind switch
    {
        JsonValueKind.Array => answer.EnumerateArray().Select(e => e.ToString()).Where(s => s.Length > 0).ToList(),
        JsonValueKind.True => ["Yes"],
        JsonValueKind.False => ["No"],
        JsonValueKind.String when answer.GetString() is { Length: > 0 } s => [s.Trim()],
        JsonValueKind.Number => [answer.ToString()],
        _ => [],
    };

    /// <summary>A number answer, or the first number in a text answer ("Year 9" → 9).</summary>
    private static double? Number(JsonElement answer)
    {
        if (answer.ValueKind == JsonValueKind.Number)
        {
            return answer.GetDouble();
        }
        if (answer.ValueKind == JsonValueKind.String)
        {
            var match = Regex.Match(answer.GetString()!, @"-?\d+(\.\d+)?");
            if (match.Success)
            {
                return double.Parse(match.Value, CultureInfo.InvariantCulture);
            }
        }
        return null;
    }
}
