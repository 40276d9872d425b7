using System.ComponentModel.DataAnnotations;

namespace Tandem.Features.Programs;

/// <summary>One meeting format, as the API and forms name it.</summary>
public enum MeetingFormat { OneToOne, Group, Online, InPerson }

public sealed class ObjectiveInput
{
    [Required, StringLength(300, MinimumLength = 3)]
    public string Description { get; set; } = "";

    /// <summary>The measurable target, e.g. "80% of mentees meet twice a month".</summary>
    [Required, StringLength(300, MinimumLength = 2)]
    public string Target { get; set; } = "";

    /// <summary>What Tandem measures for this objective; leave out to check the target by hand.</summary>
    public ObjectiveMeasure? Measure { get; set; }

    /// <summary>The value the measure must reach (a percentage, a 1–5 rating, a survey scale point, an outcome change).</summary>
    public double? Threshold { get; set; }

    /// <summary>True when the measure must stay at or below the threshold (e.g. behaviour incidents).</summary>
    public bool AtMost { get; set; }

    /// <summary>For a survey item: the survey and the id of its Likert, 0–10 or scale question.</summary>
    public Guid? SurveyId { get; set; }

    [StringLength(64)]
    public string? QuestionId { get; set; }

    /// <summary>For an outcome measure: its name as in the imported outcome data (e.g. "maths").</summary>
    [StringLength(100)]
    public string? OutcomeMeasure { get; set; }

    /// <summary>The rules that tie a measure to its threshold and source, for the API and the editor alike.</summary>
    public IEnumerable<string> Problems(int number)
    {
        if (Measure is not { } measure)
        {
            if (Threshold is not null || SurveyId is not null || !string.IsNullOrWhiteSpace(QuestionId) || !string.IsNullOrWhiteSpace(OutcomeMeasure))
            {
                yield return $"Objective {number}: choose what Tandem measures, or leave the threshold and its source empty.";
            }
            yield break;
        }
        if (!Enum.IsDefined(measure))
        {
            yield return $"Objective {number}: unknown measure.";
            yield break;
        }
        if (Threshold is not { } threshold || !double.IsFinite(threshold))
        {
            yield return $"Objective {number}: a measured objective needs a threshold, e.g. 80 for 80%.";
            yield break;
        }
        var (min, max) = measure.Range();
        if (threshold < min || threshold > max)
        {
            yield return $"Objective {number}: the threshold for {measure.Label().ToLowerInvariant()} is between {min:0.##} and {max:0.##}.";
        }
        if (measure == ObjectiveMeasure.SurveyItem && (SurveyId is null || string.IsNullOrWhiteSpace(QuestionId)))
        {
            yield return $"Objective {number}: a survey item needs the survey and the question it measures.";
        }
        if (measure == ObjectiveMeasure.OutcomeChange && string.IsNullOrWhiteSpace(OutcomeMeasure))
        {
            yield return $"Objective {number}: an outcome objective needs the outcome measure's name, as in the imported data.";
        }
        // The editor posts here without the annotations above: the columns' limits are kept here too.
        if (measure == ObjectiveMeasure.SurveyItem && QuestionId?.Trim().Length > 64)
        {
            yield return $"Objective {number}: a question id has at most 64 characters.";
        }
        if (measure == ObjectiveMeasure.OutcomeChange && OutcomeMeasure?.Trim().Length > 100)
        {
            yield return $"Objective {number}: an outcome measure's name has at most 100 characters.";
        }
    }

    public ObjectiveDesign ToDesign() => new(
        Description.Trim(), Target.Trim(), Measure, Measure is null ? null : Threshold, Measure is not null && AtMost,
        Measure == ObjectiveMeasure.SurveyItem ? SurveyId : null,
        Measure == ObjectiveMeasure.SurveyItem ? QuestionId?.Trim() : null,
        Measure == ObjectiveMeasure.OutcomeChange ? OutcomeMeasure?.Trim() : null);
}

/// <summary>The editable design of a program, used by the API and by the pages.</summary>
public class ProgramInput : IValidatableObject
{
    /// <summary>The most objectives a program has (the API's limit, and the editor's rows at most).</summary>
    public const int MaxObjectives = 10;

    [Required, StringLength(120, MinimumLength = 3)]
    public string Name { get; set; } = "";

    [StringLength(4000)]
    public string? Description { get; set; }

    [StringLength(500)]
    public string? TargetAudience { get; set; }

    [Required]
    public PairingModel? Pairing { get; set; }

    [StringLength(10000)]
    public string? Guidelines { get; set; }

    [Required, MinLength(1, ErrorMessage = "Choose at least one meeting format.")]
    public List<MeetingFormat> MeetingFormats { get; set; } = [];

    [Required]
    public Cadence? Cadence { get; set; }

    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }

    [MaxLength(MaxObjectives, ErrorMessage = "A program has at most 10 objectives.")]
    public List<ObjectiveInput> Objectives { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StartsOn is { } start && EndsOn is { } end && end < start)
        {
            yield return new ValidationResult("The end date must be on or after the start date.", [nameof(EndsOn)]);
        }
        for (var i = 0; i < Objectives.Count; i++)
        {
            foreach (var problem in Objectives[i]?.Problems(i + 1) ?? [])
            {
                yield return new ValidationResult(problem, [nameof(Objectives)]);
            }
        }
    }

    public ProgramDesign ToDesign() => new(
        Name.Trim(),
        Description?.Trim() ?? "",
        TargetAudience?.Trim() ?? "",
        Pairing ?? PairingModel.MentorMentee,
        Guidelines?.Trim() ?? "",
        MeetingFormats.Aggregate(Programs.MeetingFormats.None, (all, f) => all | f.ToFlag()),
        Cadence ?? Programs.Cadence.Fortnightly,
        StartsOn,
        EndsOn,
        Objectives.Select(o => o.ToDesign()).ToList());
}

public sealed class CreateProgramRequest : ProgramInput
{
    [Required]
    public Guid? OrganisationId { get; set; }
}

public sealed class ChangeStatusRequest
{
    [Required]
    public ProgramStatus? Status { get; set; }
}

public sealed record ObjectiveView(
    string Description, string Target, ObjectiveMeasure? Measure = null, double? Threshold = null, bool AtMost = false,
    Guid? SurveyId = null, string? QuestionId = null, string? OutcomeMeasure = null);

public sealed record ProgramSummary(
    Guid Id, string Name, Guid OrganisationId, string OrganisationName, ProgramStatus Status,
    PairingModel Pairing, DateOnly? StartsOn, DateOnly? EndsOn, int ParticipantCount);

public sealed record ProgramDetails(
    Guid Id,
    Guid OrganisationId,
    string OrganisationName,
    string Name,
    string Description,
    string TargetAudience,
    PairingModel Pairing,
    string Guidelines,
    IReadOnlyList<MeetingFormat> MeetingFormats,
    Cadence Cadence,
    DateOnly? StartsOn,
    DateOnly? EndsOn,
    ProgramStatus Status,
    IReadOnlyList<ProgramStatus> AllowedTransitions,
    IReadOnlyList<ObjectiveView> Objectives,
    IReadOnlyDictionary<ProgramRole, int> Participants,
    IReadOnlyList<ProgramRole> MyRoles,
    bool CanManage,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>When the program closed; null while it is not closed.</summary>
    public DateTime? ClosedAt { get; init; }

    /// <summary>For those who manage it: until when the closed program may be reopened (ADR 29); null otherwise.</summary>
    public DateTime? ReopenableUntil { get; init; }
}

public static class MeetingFormatMapping
{
    public static MeetingFormats ToFlag(this MeetingFormat format) => format switch
    {
        MeetingFormat.OneToOne => Programs.MeetingFormats.OneToOne,
        MeetingFormat.Group => Programs.MeetingFormats.Group,
        MeetingFormat.Online => Programs.MeetingFormats.Online,
        MeetingFormat.InPerson => Programs.MeetingFormats.InPerson,
        _ => Programs.MeetingFormats.None,
    };

    public static IReadOnlyList<MeetingFormat> ToList(this MeetingFormats formats) =>
        Enum.GetValues<MeetingFormat>().Where(f => formats.HasFlag(f.ToFlag())).ToList();

    public static string Label(this MeetingFormat format) => format switch
    {
        MeetingFormat.OneToOne => "One-to-one",
        MeetingFormat.Group => "Group",
        MeetingFormat.Online => "Online",
        MeetingFormat.InPerson => "In person",
        _ => format.ToString(),
    };
}

public sealed record EnrolmentView(Guid Id, Guid UserId, string DisplayName, string Email, ProgramRole Role, DateTime EnrolledAt);
