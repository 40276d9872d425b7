using Tandem.Features.Programs;

namespace Tandem.Features.Recruitment;

/// <summary>An information session: a program event where people hear about the program before applying.</summary>
public sealed class InformationSession
{
    private InformationSession() { }

    public InformationSession(Guid programId, InformationSessionDetails details, Guid createdByUserId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
        Title = details.Title;
        StartsAt = details.StartsAt;
        TimeZoneId = details.TimeZoneId;
        DurationMinutes = details.DurationMinutes;
        Place = details.Place;
        OnlineLink = details.OnlineLink;
        Capacity = details.Capacity;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string Title { get; private set; } = "";

    /// <summary>UTC instant; <see cref="TimeZoneId"/> says how to show it (the place's zone).</summary>
    public DateTime StartsAt { get; private set; }
    public string TimeZoneId { get; private set; } = "UTC";
    public int DurationMinutes { get; private set; }
    public string? Place { get; private set; }
    public string? OnlineLink { get; private set; }
    public int Capacity { get; private set; }

    /// <summary>Kept beside the sign-ups so that "take a place if one is left" is one conditional UPDATE.</summary>
    public int SignedUpCount { get; private set; }

    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

public sealed record InformationSessionDetails(string Title, DateTime StartsAt, string TimeZoneId, int DurationMinutes, string? Place, string? OnlineLink, int Capacity);

public sealed class InformationSessionSignUp
{
    private InformationSessionSignUp() { }

    public InformationSessionSignUp(Guid sessionId, Guid userId, DateTime signedUpAt)
    {
        Id = Guid.CreateVersion7();
        SessionId = sessionId;
        UserId = userId;
        SignedUpAt = signedUpAt;
    }

    public Guid Id { get; private set; }
    public Guid SessionId { get; private set; }
    public Guid UserId { get; private set; }
    public DateTime SignedUpAt { get; private set; }
}

public enum RecruitmentStep { View, Start, Submission }

/// <summary>
/// A shareable recruitment link for one outreach channel (newsletter, poster QR code...). <c>/r/{code}</c>
/// counts a view and redirects to the public program page; the apply flow records starts and submissions.
/// </summary>
public sealed class RecruitmentChannel
{
    private RecruitmentChannel() { }

    public RecruitmentChannel(Guid programId, string name, string code, Guid createdByUserId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Name = name;
        Code = code;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string Name { get; private set; } = "";
    public string Code { get; private set; } = "";
    public long Views { get; private set; }
    public long Starts { get; private set; }
    public long Submissions { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
}
