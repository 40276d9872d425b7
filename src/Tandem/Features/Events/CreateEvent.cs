using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Events;

/// <summary>
/// A program's coordinator sets up an event: kind, title, Markdown description, time and zone, place or video link, audience,
/// capacity, host. A closed program holds no new information session (it no longer recruits), and once retention anonymised
/// it, no new event at all: its notices and answers would be kept past the one pass retention makes (ADR 114).
/// </summary>
public sealed class CreateEvent(TandemDb db, ProgramAccess programs, IProgramRetention retention, GetEvent views, TimeProvider clock)
{
    public const string OnlyCoordinators = "Only the program's coordinators set up its events.";
    public static readonly TimeSpan LongestEvent = TimeSpan.FromDays(7);

    /// <summary>The sentence Recruitment's <c>RecruitmentRules.ClosedProblem</c> answers a new information session with.</summary>
    public const string Closed = "This program is closed; it no longer recruits.";

    /// <summary>After retention (ADR 108): no new events, and no answers to those there are.</summary>
    public const string Retained = "This program's data has been anonymised after it closed, so it takes no new events or answers to them.";

    /// <summary>What the program's events page offers its coordinators to set up: nothing after retention, no information session once it closed.</summary>
    public async Task<(bool Events, bool InformationSessions)> OfferedAsync(Guid programId, CancellationToken ct = default)
    {
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return (false, false);
        }
        var closed = await db.Programs.AnyAsync(p => p.Id == programId && p.Status == ProgramStatus.Closed, ct);
        return (true, !closed);
    }

    public async Task<Outcome<EventView>> RunAsync(Actor actor, Guid programId, CreateEventRequest request, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (await retention.AnonymisedAtAsync(programId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        if (request.Kind == EventKind.InformationSession && found.Value!.Status == ProgramStatus.Closed)
        {
            return new Conflict(Closed);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var title = request.Title?.Trim() ?? "";
        // Stored with LF, as the text box counts a line break as one character against its maxlength (as the journal, ADR 108).
        var description = request.Description?.ReplaceLineEndings("\n").Trim() ?? "";
        var zone = string.IsNullOrWhiteSpace(request.TimeZoneId) ? "UTC" : request.TimeZoneId.Trim();
        var place = string.IsNullOrWhiteSpace(request.Place) ? null : request.Place.Trim();
        var link = string.IsNullOrWhiteSpace(request.VideoLink) ? null : request.VideoLink.Trim();
        var errors = new Dictionary<string, string[]>();
        if (!Enum.IsDefined(request.Kind))
        {
            errors["kind"] = ["The kind is Workshop, Social, Networking, Training or InformationSession."];
        }
        if (title.Length is 0 or > ProgramEvent.TitleMax)
        {
            errors["title"] = [$"Give the event a title of 1 to {ProgramEvent.TitleMax} characters."];
        }
        if (description.Length > ProgramEvent.DescriptionMax)
        {
            errors["description"] = [$"Describe the event in at most {ProgramEvent.DescriptionMax:N0} characters."];
        }
        // Within the column first (ADR 128): "Europe" and sixty slashes and "London" is found on Linux, and overflowed it.
        if (zone.Length > ProgramEvent.ZoneMax || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors["timeZoneId"] = [$"'{zone}' is not a known IANA time zone."];
        }
        if (request.StartsAt is not { } starts || request.EndsAt is not { } ends)
        {
            errors["startsAt"] = ["Give the start and the end."];
        }
        else if (starts.UtcDateTime <= now)
        {
            errors["startsAt"] = ["The event must start in the future."];
        }
        else if (Scheduling.TooFarAhead(starts.UtcDateTime, now))
        {
            errors["startsAt"] = [Scheduling.TooFarAheadMessage("An event")];
        }
        else if (ends <= starts || ends - starts > LongestEvent)
        {
            errors["endsAt"] = ["The end must be after the start, at most 7 days later."];
        }
        if (place is null && link is null)
        {
            errors["place"] = ["Give a place, a video link, or both."];
        }
        if (place?.Length > ProgramEvent.PlaceMax)
        {
            errors["place"] = [$"The place is at most {ProgramEvent.PlaceMax} characters."];
        }
        if (link is not null && !(link.Length <= ProgramEvent.VideoLinkMax && Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo)))
        {
            errors["videoLink"] = ["The video link must be an https address."];
        }
        if (!Enum.IsDefined(request.Audience))
        {
            errors["audience"] = ["The audience is Everyone, Mentors or Mentees."];
        }
        if (request.Capacity is < 1 or > ProgramEvent.CapacityMax)
        {
            errors["capacity"] = [$"The capacity is 1 to {ProgramEvent.CapacityMax:N0} places, or none for no limit."];
        }
        if (request.HostUserId is { } host && !await db.Enrolments.AnyAsync(e => e.ProgramId == programId && e.UserId == host
                && (e.Role == ProgramRole.Mentor || e.Role == ProgramRole.Peer || e.Role == ProgramRole.Coordinator), ct))
        {
            errors["hostUserId"] = ["The host must be a mentor, peer or coordinator of this program."];
        }
        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var evt = new ProgramEvent(programId, request.Kind, title, description, request.StartsAt!.Value.UtcDateTime, request.EndsAt!.Value.UtcDateTime, zone,
            place, link, request.Audience, request.Capacity, request.HostUserId, actor.UserId, now);
        db.Add(evt);
        await db.SaveChangesAsync(ct);
        return await views.RunAsync(actor, evt.Id, ct);
    }
}
