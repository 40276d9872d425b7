using System.ComponentModel.DataAnnotations;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

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

/// <summary>
/// A coordinator schedules an information session (place or https link, capacity): an event of kind InformationSession
/// for everyone in the program and for applicants while it recruits (ADR 70), the same row the events page shows.
/// </summary>
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
        // Events take https video links only (ADR 62): the link is shown to everyone who answers.
        if (link is not null && !(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo)))
        {
            return Invalid.Field(nameof(request.OnlineLink), "The online link must be an https address.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var startsAt = request.StartsAt!.Value.UtcDateTime;
        if (startsAt <= now)
        {
            return Invalid.Field(nameof(request.StartsAt), "The session must start in the future.");
        }
        if (Scheduling.TooFarAhead(startsAt, now))
        {
            return Invalid.Field(nameof(request.StartsAt), Scheduling.TooFarAheadMessage("A session"));
        }
        var session = new ProgramEvent(programId, EventKind.InformationSession, request.Title.Trim(), "", startsAt, startsAt.AddMinutes(request.DurationMinutes), zone,
            place, link, EventAudience.Everyone, request.Capacity, null, actor.UserId, now);
        db.Add(session);
        await db.SaveChangesAsync(ct);
        return InformationSessionEvents.View(session, 0, null, hostOrStaff: true);
    }
}
