using System.Text.Json;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;

namespace Tandem.Features.Applications;

public sealed record RatingView(Guid CriterionId, string Criterion, Guid ReviewerId, string Reviewer, int Score, DateTime RatedAt);

public sealed record DecisionView(Decision Decision, Guid DecidedById, string DecidedBy, DateTime DecidedAt, string? Message, int? MentorCapacity)
{
    /// <summary>How the applicant was told of this decision: in the app when, and whether the e-mail was sent, queued or failed.</summary>
    public DeliveryView? Told { get; init; }
}

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

    public DateOnly? StartsOn { get; init; }
    public DateOnly? EndsOn { get; init; }
    public Cadence Cadence { get; init; }
    public IReadOnlyList<MeetingFormat> MeetingFormats { get; init; } = [];

    /// <summary>The program's upcoming information sessions, soonest first (at most a few).</summary>
    public IReadOnlyList<PublicSessionLine> UpcomingSessions { get; init; } = [];

    /// <summary>What taking part asks of someone, from the cadence and the dates, e.g. "About one meeting a week for 12 weeks (about 12 meetings)".</summary>
    public string TimeCommitment => ProgramCommitment.Describe(Cadence, StartsOn, EndsOn);
}

/// <summary>An information session as the public program page lists it: when (in its own zone), how long, where.</summary>
public sealed record PublicSessionLine(Guid Id, string Title, DateTime StartsAtLocal, string TimeZoneId, int DurationMinutes, string? Place, bool Online);

public static class ProgramCommitment
{
    public static string Describe(Cadence cadence, DateOnly? startsOn, DateOnly? endsOn)
    {
        var (each, daysApart) = cadence switch
        {
            Cadence.Weekly => ("one meeting a week", 7),
            Cadence.Fortnightly => ("one meeting every two weeks", 14),
            _ => ("one meeting a month", 30),
        };
        if (startsOn is not { } start || endsOn is not { } end || end <= start)
        {
            return $"About {each}.";
        }
        var days = end.DayNumber - start.DayNumber;
        var weeks = (int)Math.Round(days / 7.0);
        var meetings = Math.Max(1, (int)Math.Round((double)days / daysApart));
        return $"About {each} for {weeks} week{(weeks == 1 ? "" : "s")} (about {meetings} meeting{(meetings == 1 ? "" : "s")}).";
    }
}

public sealed record MyApplicationView(
    Guid Id, Guid ProgramId, string ProgramName, ProgramRole Role, ApplicationStatus Status,
    int? FormVersion, IReadOnlyList<Question> Questions, IReadOnlyDictionary<string, JsonElement> Answers,
    bool AcceptsCodeOfConduct, int? Age, string? GuardianName, string? GuardianEmail,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? SubmittedAt, DateTime? DecidedAt, string? DecisionMessage,
    IReadOnlyList<string> SensitiveConsents);

public sealed record QuestionnaireView(
    Guid Id, Guid ProgramId, ProgramRole Role, int Version, IReadOnlyList<Question> Questions,
    int ApplicationCount, DateTime CreatedAt, DateTime UpdatedAt);
