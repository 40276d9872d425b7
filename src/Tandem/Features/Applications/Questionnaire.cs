using System.Text.Json;
using System.Text.Json.Serialization;
using Tandem.Features.Programs;

namespace Tandem.Features.Applications;

public enum QuestionType { SingleChoice, MultipleChoice, Scale, ShortText, LongText, Availability, RankedChoice, Consent }

/// <summary>How a question feeds the matching engine's features (stored now, read by matching later).</summary>
public enum CriterionKind { SharedValues, AvailabilityOverlap, SameValue, DifferentValue, NumericGap }

/// <summary>
/// One question of a questionnaire version. Its <see cref="Id"/> stays the same across versions so answers carry over.
/// A <see cref="Sensitive"/> question (background, gender, ethnicity, disability) is never required, shows the applicant its
/// <see cref="Explanation"/>, and its answer is used for matching and reports only when the applicant consents (ADR 49).
/// </summary>
public sealed record Question(
    string Id,
    QuestionType Type,
    string Prompt,
    string? Help,
    IReadOnlyList<string> Options,
    bool Required,
    bool Private,
    CriterionKind? Criterion,
    bool Sensitive = false,
    string? Explanation = null);

/// <summary>
/// One version of the application form of one role in one program. A version that somebody has answered is
/// never changed again: editing it creates the next version, and every application keeps pointing at the
/// version it answered, so old answers stay readable with the questions they answered.
/// </summary>
public sealed class Questionnaire
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private Questionnaire() { }

    public Questionnaire(Guid programId, ProgramRole role, int version, IReadOnlyList<Question> questions, Guid createdBy, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Role = role;
        Version = version;
        CreatedByUserId = createdBy;
        CreatedAt = at;
        Replace(questions, createdBy, at);
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public ProgramRole Role { get; private set; }
    public int Version { get; private set; }

    /// <summary>The questions as JSON (System.Text.Json); read with <see cref="Questions"/>.</summary>
    public string QuestionsJson { get; private set; } = "[]";
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public Guid UpdatedByUserId { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<Question> Questions() => Parse(QuestionsJson);

    /// <summary>Only while nobody has answered this version (the caller checks).</summary>
    public void Replace(IReadOnlyList<Question> questions, Guid by, DateTime at)
    {
        QuestionsJson = JsonSerializer.Serialize(questions, Json);
        UpdatedByUserId = by;
        UpdatedAt = at;
    }

    public static IReadOnlyList<Question> Parse(string json) =>
        JsonSerializer.Deserialize<List<Question>>(json, Json) ?? [];
}
