namespace Tandem.Features.Meetings;

/// <summary>A meeting as one reader sees it: instants in UTC plus the same times on the reader's own wall clock.</summary>
public sealed record MeetingView(
    Guid Id,
    Guid RelationshipId,
    Guid ProgramId,
    DateTime StartsAt,
    int DurationMinutes,
    MeetingMode Mode,
    string? Place,
    string? VideoLink,
    MeetingStatus Status,
    Guid ProposedByUserId,
    Guid? SeriesId,
    DateTime CreatedAt)
{
    public string? Title { get; init; }
    public string ProposedBy { get; init; } = "";
    public DateTime EndsAt => StartsAt.AddMinutes(DurationMinutes);

    /// <summary>The reader's IANA zone and the start on their wall clock.</summary>
    public string TimeZoneId { get; init; } = "UTC";
    public DateTime LocalStartsAt { get; init; }
    public string? ResponseNote { get; init; }
    public int Sequence { get; init; }

    /// <summary>A group's meeting: each member answers for themselves (ADR 11); <see cref="Answers"/> to its current time.</summary>
    public bool IsGroup { get; init; }
    public IReadOnlyList<MeetingAnswerView> Answers { get; init; } = [];
    public AttendanceAnswer? MyAnswer { get; init; }

    /// <summary>What the reader may do now.</summary>
    public bool CanRespond { get; init; }
    public bool CanCancel { get; init; }
}
