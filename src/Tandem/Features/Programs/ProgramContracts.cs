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
}

/// <summary>The editable design of a program, used by the API and by the pages.</summary>
public class ProgramInput : IValidatableObject
{
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

    [MaxLength(10, ErrorMessage = "A program has at most 10 objectives.")]
    public List<ObjectiveInput> Objectives { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StartsOn is { } start && EndsOn is { } end && end < start)
        {
            yield return new ValidationResult("The end date must be on or after the start date.", [nameof(EndsOn)]);
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
        Objectives.Select(o => (o.Description.Trim(), o.Target.Trim())).ToList());
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

public sealed record ObjectiveView(string Description, string Target);

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
    DateTime UpdatedAt);

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
