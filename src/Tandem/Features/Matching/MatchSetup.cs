using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Features.Applications;

namespace Tandem.Features.Matching;

/// <summary>
/// One criterion of a program's matching setup: which question (on each side) feeds it, how it compares,
/// how much it weighs, and whether it is a hard rule.
/// </summary>
public sealed record SetupCriterion(
    string Name,
    CriterionKind Kind,
    string MenteeQuestionId,
    string MentorQuestionId,
    int Weight,
    bool Required,
    double? Minimum,
    double? Maximum);

/// <summary>What a mentor–mentee run optimises, after matching as many mentees as possible.</summary>
public enum MatchingGoal
{
    /// <summary>The greatest total score (the default).</summary>
    BestTotal,

    /// <summary>Raise the worst-off first: the greatest lowest pair score, then the greatest total (ADR 34).</summary>
    RaiseWorstOff,

    /// <summary>
    /// A stable match by the participants' own rankings of the candidates offered to them (<see cref="RankingOffer"/>):
    /// no mentee and mentor would both rather be together; the best such match for every mentee (ADR 37).
    /// </summary>
    Stable,
}

/// <summary>
/// How a program's pool is matched. Absent until a coordinator saves one; until then the default is every
/// question flagged as a criterion, with its kind, weight 1 and no hard rule.
/// </summary>
public sealed class MatchSetup
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private MatchSetup() { }

    public MatchSetup(Guid programId)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string CriteriaJson { get; private set; } = "[]";

    /// <summary>In a peer program: 2 forms pairs, more forms study groups of that size.</summary>
    public int GroupSize { get; private set; } = 2;
    public MatchingGoal Goal { get; private set; }

    /// <summary>Study groups: the question whose answers each group should mix, and how many different answers it wants.</summary>
    public string? MixQuestionId { get; private set; }
    public int? MixAtLeast { get; private set; }
    public Guid UpdatedByUserId { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<SetupCriterion> Criteria() => ParseCriteria(CriteriaJson);

    public void Change(IReadOnlyList<SetupCriterion> criteria, int groupSize, Guid by, DateTime at, MatchingGoal goal = MatchingGoal.BestTotal, MixInput? mix = null)
    {
        Goal = goal;
        MixQuestionId = mix?.QuestionId.Trim();
        MixAtLeast = mix?.AtLeast;
        CriteriaJson = JsonSerializer.Serialize(criteria, Json);
        GroupSize = groupSize;
        UpdatedByUserId = by;
        UpdatedAt = at;
    }

    public static IReadOnlyList<SetupCriterion> ParseCriteria(string json) =>
        JsonSerializer.Deserialize<List<SetupCriterion>>(json, Json) ?? [];
}
