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

    /// <summary>Why the members were matched (fields participants may see only).</summary>
    public string? MatchExplanation { get; init; }
    public int? MatchScore { get; init; }
    public Guid? PreviousRelationshipId { get; init; }
    public bool PoorFit { get; init; }
    public IReadOnlyList<RelationshipStatus> AllowedTransitions { get; init; } = [];

    /// <summary>In the actor's own list: when the early fit check opens at the latest, whether it is open, and their answer if given.</summary>
    public DateOnly? FitCheckOpensOn { get; init; }
    public bool FitCheckOpen { get; init; }
    public FitAnswer? MyFitAnswer { get; init; }
}

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
