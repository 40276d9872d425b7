using Tandem.Features.Programs;

namespace Tandem.Features.Meetings;

/// <summary>
/// A recurring meeting: a local wall-clock start in the organiser's IANA zone plus an iCalendar RRULE
/// (weekly, fortnightly or monthly, following the program cadence). Its occurrences are stored as
/// <see cref="Meeting"/> rows so that each can be moved, cancelled, reminded and checked in on its own.
/// </summary>
public sealed class MeetingSeries
{
    private MeetingSeries() { }

    public MeetingSeries(Guid relationshipId, Guid programId, Guid organiserUserId, DateTime localStart, string timeZoneId,
        Cadence cadence, int count, int durationMinutes, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        RelationshipId = relationshipId;
        ProgramId = programId;
        OrganiserUserId = organiserUserId;
        LocalStart = DateTime.SpecifyKind(localStart, DateTimeKind.Unspecified);
        TimeZoneId = timeZoneId;
        Cadence = cadence;
        Count = count;
        DurationMinutes = durationMinutes;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid OrganiserUserId { get; private set; }

    /// <summary>The first occurrence's wall-clock start in <see cref="TimeZoneId"/> (not UTC).</summary>
    public DateTime LocalStart { get; private set; }
    public string TimeZoneId { get; private set; } = "UTC";
    public Cadence Cadence { get; private set; }
    public int Count { get; private set; }
    public int DurationMinutes { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? CancelledAt { get; private set; }

    public string RecurrenceRule => MeetingRecurrence.Rule(Cadence, Count);

    public void Cancel(DateTime at) => CancelledAt ??= at;
}

/// <summary>A person's private calendar feed: only the SHA-256 of the secret token is stored.</summary>
public sealed class CalendarFeed
{
    /// <summary>How far back a feed reaches, and the most meetings it holds.</summary>
    public const int PastDays = 90;
    public const int MaxEvents = 1000;

    private CalendarFeed() { }

    /// <summary>The address of a feed (the token is secret; only its hash is stored).</summary>
    public static string PathOf(string token) => $"/calendar/{token}.ics";

    public CalendarFeed(Guid userId, string tokenHash, DateTime createdAt)
    {
        UserId = userId;
        TokenHash = tokenHash;
        CreatedAt = createdAt;
    }

    public Guid UserId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }

    public void Rotate(string tokenHash, DateTime at)
    {
        TokenHash = tokenHash;
        CreatedAt = at;
    }
}

public enum VideoLinkPolicy { GeneratedJitsi, Pasted }

/// <summary>How an organisation's online meetings get their video link.</summary>
public sealed class MeetingSettings
{
    private MeetingSettings() { }

    public MeetingSettings(Guid organisationId, VideoLinkPolicy policy, DateTime updatedAt)
    {
        OrganisationId = organisationId;
        Policy = policy;
        UpdatedAt = updatedAt;
    }

    public Guid OrganisationId { get; private set; }
    public VideoLinkPolicy Policy { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public void Change(VideoLinkPolicy policy, DateTime at)
    {
        Policy = policy;
        UpdatedAt = at;
    }
}
