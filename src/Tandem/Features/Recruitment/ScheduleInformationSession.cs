using System.ComponentModel.DataAnnotations;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Recruitment;

public sealed class ScheduleSessionRequest
{
    [Required, StringLength(200, MinimumLength = 3)]
    public string Title { get; set; } = "";

    /// <summary>The start as an instant (UTC, or with an offset).</summary>
    [Required]
    public DateTimeOffset? StartsAt { get; set; }

    /// <summary>The IANA zone the session is held in, used to show its time (e.g. Europe/London).</summary>
    [Required, StringLength(64)]
    public string TimeZoneId { get; set; } = "UTC";

    [Range(5, 600)]
    public int DurationMinutes { get; set; } = 60;

    [StringLength(300)]
    public string? Place { get; set; }

    [Url, StringLength(500)]
    public string? OnlineLink { get; set; }

    [Range(1, 10000)]
    public int Capacity { get; set; } = 30;
}

/// <summary>A coordinator schedules an information session (place or online link, capacity).</summary>
public sealed class ScheduleInformationSession(TandemDb db, ProgramAccess access, TimeProvider clock)
{
    public async Task<Outcome<InformationSessionView>> RunAsync(Actor actor, Guid programId, ScheduleSessionRequest request, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, programId, ct, RecruitmentRules.OnlyCoordinatorsRecruit);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (RecruitmentRules.ClosedProblem(found.Value!) is { } closed)
        {
            return closed;
        }
        var zone = request.TimeZoneId.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return Invalid.Field(nameof(request.TimeZoneId), $"'{zone}' is not a known IANA time zone.");
        }
        var place = string.IsNullOrWhiteSpace(request.Place) ? null : request.Place.Trim();
        var link = string.IsNullOrWhiteSpace(request.OnlineLink) ? null : request.OnlineLink.Trim();
        if (place is null && link is null)
        {
            return Invalid.Field(nameof(request.Place), "Give a place, an online link, or both.");
        }
        if (link is not null && !(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            return Invalid.Field(nameof(request.OnlineLink), "The online link must be an http(s) address.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var startsAt = request.StartsAt!.Value.UtcDateTime;
        if (startsAt <= now)
        {
            return Invalid.Field(nameof(request.StartsAt), "The session must start in the future.");
        }
        var session = new InformationSession(programId,
            new InformationSessionDetails(request.Title.Trim(), startsAt, zone, request.DurationMinutes, place, link, request.Capacity), actor.UserId, now);
        db.Add(session);
        await db.SaveChangesAsync(ct);
        return new InformationSessionView(session.Id, programId, session.Title, session.StartsAt, zone, SessionTimes.Local(startsAt, zone),
            session.DurationMinutes, place, link, session.Capacity, 0, session.Capacity, false);
    }
}
