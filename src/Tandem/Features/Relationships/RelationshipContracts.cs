using System.ComponentModel.DataAnnotations;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

public sealed record StartRelationshipRequest(
    Guid ProgramId,
    IReadOnlyList<Guid> MemberEnrolmentIds,
    RelationshipKind Kind,
    DateOnly StartsOn,
    RelationshipSource Source,
    string? MatchExplanation,
    int? MatchScore);

public sealed record RelationshipMemberView(Guid UserId, string DisplayName, ProgramRole Role)
{
    public Guid EnrolmentId { get; init; }
}

/// <summary>A relationship as its program's coordinators and administrators read it, with the coordinator-only fields.</summary>
public sealed record RelationshipView(
    Guid Id,
    Guid ProgramId,
    RelationshipKind Kind,
    RelationshipStatus Status,
    DateOnly StartsOn,
    IReadOnlyList<RelationshipMemberView> Members)
{
    public string ProgramName { get; init; } = "";
    public RelationshipSource Source { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? EndedAt { get; init; }
    public string? EndReason { get; init; }
    public DateTime StatusChangedAt { get; init; }
    public string? StatusChangedBy { get; init; }

    /// <summary>Why the members were matched (the words members also read in <see cref="MyRelationshipView"/>).</summary>
    public string? MatchExplanation { get; init; }
    public int? MatchScore { get; init; }
    public Guid? PreviousRelationshipId { get; init; }
    public bool PoorFit { get; init; }
    public IReadOnlyList<RelationshipStatus> AllowedTransitions { get; init; } = [];

    /// <summary>Meetings held so far (as engagement health counts them) and the last contact, kept on the relationship (ADR 46).</summary>
    public int MeetingsHeld { get; init; }
    public DateTime? LastContactAt { get; init; }
}

/// <summary>One person in a relationship, as the other members see them.</summary>
public sealed record PartnerView(Guid UserId, string DisplayName, ProgramRole Role);

/// <summary>
/// A relationship as one of its members reads it: who is in it, why they were matched, its status and the
/// early fit check's state with the reader's own answer. It is a list of what a participant may see
/// (docs/decisions/0020): why the relationship ended or was re-matched, the poor-fit flag (which would
/// reveal a partner's private "No"), who changed its status, the score and the enrolment ids are not in
/// it, and a field added here is reviewed by Security/ParticipantFieldTests.
/// </summary>
public sealed record MyRelationshipView(
    Guid Id,
    Guid ProgramId,
    string ProgramName,
    RelationshipKind Kind,
    RelationshipStatus Status,
    DateOnly StartsOn,
    DateTime? EndedAt,
    IReadOnlyList<PartnerView> Members,
    string? MatchExplanation,
    DateOnly FitCheckOpensOn,
    bool FitCheckOpen,
    FitAnswer? MyFitAnswer);

/// <summary>The HTTP body of "start a relationship" (the program comes from the route).</summary>
public sealed class StartRelationshipBody
{
    [Required, MinLength(2), MaxLength(30)]
    public List<Guid> MemberEnrolmentIds { get; set; } = [];

    public RelationshipKind Kind { get; set; } = RelationshipKind.Pair;

    [Required]
    public DateOnly? StartsOn { get; set; }

    public RelationshipSource Source { get; set; } = RelationshipSource.Manual;

    [StringLength(4000)]
    public string? MatchExplanation { get; set; }

    [Range(0, 100)]
    public int? MatchScore { get; set; }

    public StartRelationshipRequest ToRequest(Guid programId) =>
        new(programId, MemberEnrolmentIds, Kind, StartsOn!.Value, Source, MatchExplanation, MatchScore);
}

public sealed record RelationshipListQuery(int Page = 1, int PageSize = 20, RelationshipStatus? Status = null, bool PoorFitOnly = false);

public sealed record MentorRequestView(
    Guid Id, Guid ProgramId, string ProgramName, Guid MenteeEnrolmentId, string MenteeName, Guid MentorEnrolmentId, string MentorName,
    string Message, string? MatchExplanation, MentorRequestStatus Status, DateTime CreatedAt, DateTime ExpiresAt, DateTime? DecidedAt,
    string? DecisionNote, Guid? RelationshipId, bool IAmTheMentor);

public sealed record RelationshipSettingsView(Guid ProgramId, bool SelfMatchEnabled, int RequestTimeoutDays, int FitCheckAfterDays);
