using System.Text.Json;
using Tandem.Features.Programs;

namespace Tandem.Features.Applications;

public sealed record RatingView(Guid CriterionId, string Criterion, Guid ReviewerId, string Reviewer, int Score, DateTime RatedAt);

public sealed record DecisionView(Decision Decision, Guid DecidedById, string DecidedBy, DateTime DecidedAt, string? Message, int? MentorCapacity);

public sealed record RecommendationView(Guid Id, Guid NominatedById, string NominatedBy, string Statement, DateTime CreatedAt);

public sealed record CriterionView(Guid Id, string Name, string? Description, int Position);

public sealed record ReviewApplicationView(
    Guid Id, Guid ProgramId, Guid UserId, string ApplicantName, string ApplicantEmail, string ApplicantTimeZone,
    ProgramRole Role, ApplicationStatus Status, int? FormVersion, IReadOnlyList<Question> Questions,
    IReadOnlyDictionary<string, JsonElement> Answers, bool AcceptsCodeOfConduct, int? Age, string? GuardianName, string? GuardianEmail,
    DateTime? SubmittedAt, DateTime? DecidedAt, string? DecisionMessage, int? MentorCapacity, double? AverageRating,
    IReadOnlyList<RatingView> Ratings, IReadOnlyList<DecisionView> Decisions, IReadOnlyList<RecommendationView> Recommendations,
    IReadOnlyList<CriterionView> Criteria, bool CanDecide)
{
    /// <summary>Whether approving a mentor's capacity of N means one group of N mentees rather than N separate pairs (ADR 13).</summary>
    public bool MentorsLeadGroups { get; init; }
}

public sealed record ObjectiveLine(string Description, string Target);

public sealed record PublicProgramView(
    Guid Id, string Name, string OrganisationName, string Description, string TargetAudience, string Guidelines,
    IReadOnlyList<ObjectiveLine> Objectives, ProgramStatus Status, IReadOnlyList<ProgramRole> Roles, bool IncludesMinors)
{
    public bool IsRecruiting => Status == ProgramStatus.Recruiting;
}

public sealed record MyApplicationView(
    Guid Id, Guid ProgramId, string ProgramName, ProgramRole Role, ApplicationStatus Status,
    int? FormVersion, IReadOnlyList<Question> Questions, IReadOnlyDictionary<string, JsonElement> Answers,
    bool AcceptsCodeOfConduct, int? Age, string? GuardianName, string? GuardianEmail,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? SubmittedAt, DateTime? DecidedAt, string? DecisionMessage);

public sealed record QuestionnaireView(
    Guid Id, Guid ProgramId, ProgramRole Role, int Version, IReadOnlyList<Question> Questions,
    int ApplicationCount, DateTime CreatedAt, DateTime UpdatedAt);
