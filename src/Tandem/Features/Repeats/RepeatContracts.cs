using System.ComponentModel.DataAnnotations;
using Tandem.Features.Programs;

namespace Tandem.Features.Repeats;

/// <summary>The name and dates of a program made from a template or a copy: the rest comes from the template or the source.</summary>
public abstract class NewProgramInput : IValidatableObject
{
    [Required(ErrorMessage = "Give the program a name."), StringLength(120, MinimumLength = 3, ErrorMessage = "The name needs 3 to 120 characters.")]
    public string Name { get; set; } = "";

    public DateOnly? StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return new ValidationResult("Give the program a name.", [nameof(Name)]);
        }
        if (StartsOn is { } start && EndsOn is { } end && end < start)
        {
            yield return new ValidationResult("The end date must be on or after the start date.", [nameof(EndsOn)]);
        }
    }
}

public sealed class ProgramFromTemplateRequest : NewProgramInput
{
    [Required]
    public Guid? OrganisationId { get; set; }

    /// <summary>One of the shipped templates' keys (GET /api/v1/program-templates).</summary>
    [Required(ErrorMessage = "Choose a template."), StringLength(ProgramOrigin.TemplateKeyMax)]
    public string TemplateId { get; set; } = "";
}

public sealed class CopyProgramRequest : NewProgramInput;

/// <summary>A template as the create-program page and the API list it.</summary>
public sealed record ProgramTemplateView(
    string Id, string Title, string Summary, string Description, string TargetAudience, PairingModel Pairing,
    IReadOnlyList<MeetingFormat> MeetingFormats, Cadence Cadence, bool MentorsLeadGroups, IReadOnlyList<ObjectiveView> Objectives,
    IReadOnlyDictionary<ProgramRole, int> FormQuestions, IReadOnlyList<string> MatchingCriteria, IReadOnlyList<string> TrainingModules,
    IReadOnlyList<string> Surveys, IReadOnlyList<string> JournalPrompts, IReadOnlyList<string> BadgeRules);

/// <summary>Where a program came from and, for a copy, its source's mentors invited back (coordinators only).</summary>
/// <param name="Eligible">Mentors of the source who could be invited now and have not been.</param>
/// <param name="Invited">Mentors of the source invited back so far.</param>
/// <param name="ToInvite">
/// One page of who they are, by name (<see cref="Page"/>, <see cref="PageSize"/>; <see cref="Eligible"/> is the total), so that
/// the coordinator can leave someone out; empty unless the reader manages the source program too (<see cref="ManagesSource"/>).
/// </param>
public sealed record ProgramOriginView(Guid ProgramId, string? TemplateId, Guid? SourceProgramId, string? SourceProgramName, DateTime CreatedAt, int Eligible, int Invited,
    IReadOnlyList<ReturningMentorView> ToInvite)
{
    /// <summary>Whether the reader manages the source program too: only then are its mentors named and invited back (ADR 105).</summary>
    public bool ManagesSource { get; init; }

    public int Page { get; init; } = 1;

    public int PageSize { get; init; }
}

public sealed record ReturningMentorView(Guid UserId, string Name);

/// <summary><c>leaveOut</c>: mentors of the source not to invite this time (the others are invited).</summary>
public sealed class InviteMentorsBackRequest
{
    public List<Guid>? LeaveOut { get; set; }
}

/// <param name="Invited">Invited by this press.</param>
/// <param name="AlreadyInvited">Invited by an earlier press, so not again.</param>
/// <param name="AlreadyInProgram">Already enrolled in the new program or holding an open invitation to it.</param>
/// <param name="TotalInvited">All the source's mentors invited back so far.</param>
public sealed record InviteMentorsBackResult(int Invited, int AlreadyInvited, int AlreadyInProgram, int TotalInvited);
