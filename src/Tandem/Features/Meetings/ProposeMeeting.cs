using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Time;

namespace Tandem.Features.Meetings;

/// <summary>A proposal: one meeting, or (with <see cref="Occurrences"/> above 1) a series at the program cadence.</summary>
public sealed class ProposeMeetingRequest
{
    /// <summary>The first start, an instant with its offset (e.g. 2027-03-01T18:00:00+00:00).</summary>
    [Required]
    public DateTimeOffset? StartsAt { get; set; }

    [Range(15, 480)]
    public int DurationMinutes { get; set; } = 60;

    public MeetingMode Mode { get; set; } = MeetingMode.InPerson;

    [StringLength(ProposeMeeting.PlaceMax)]
    public string? Place { get; set; }

    /// <summary>A pasted Zoom, Teams or Google Meet link (organisations that paste links); ignored when links are generated.</summary>
    [StringLength(ProposeMeeting.VideoLinkMax)]
    public string? VideoLink { get; set; }

    [StringLength(ProposeMeeting.TitleMax)]
    public string? Title { get; set; }

    /// <summary>1 = a single meeting; more = a series of this many occurrences.</summary>
    [Range(1, MeetingRecurrence.MaxOccurrences)]
    public int Occurrences { get; set; } = 1;

    /// <summary>The series' cadence; defaults to the program's.</summary>
    public Cadence? Cadence { get; set; }
}

/// <summary>
/// Either member of a pair (or a member or coordinator of a group) proposes a meeting; the other side
/// is told in-app and by e-mail with an .ics invitation, then accepts, declines or proposes another time.
/// </summary>
public sealed class ProposeMeeting(TandemDb db, MeetingAccess access, MeetingLinks links, MeetingMailer mailer, IProgramRetention retention, TimeProvider clock)
{
    public const int PlaceMax = 300;
    public const int TitleMax = 200;
    public const int VideoLinkMax = 500;

    public async Task<Outcome<IReadOnlyList<MeetingView>>> RunAsync(Actor actor, Guid relationshipId, ProposeMeetingRequest request, CancellationToken ct = default)
    {
        // The relationship, the proposer's membership, zone and name, and the program's rules for meetings: one compiled query.
        var relationship = await access.FindRelationshipAsync(actor, relationshipId, ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var isMember = relationship.IsMember;
        if (!isMember && relationship.Kind == RelationshipKind.Pair)
        {
            return new Forbidden("Only the two people in a pair propose its meetings.");
        }
        if (relationship.Status != RelationshipStatus.Active)
        {
            return new Conflict($"The relationship is {relationship.Status.ToString().ToLowerInvariant()}; meetings are scheduled only while it is active.");
        }
        // Retention ends a program's relationships (ADR 109); one left active from before that is still not given meetings (ADR 110).
        if (await retention.AnonymisedAtAsync(relationship.ProgramId, ct) is not null)
        {
            return new Conflict(MeetingChanges.Retained);
        }
        // The request's [StringLength] runs only on the API; the page builds the request itself, and a longer value would
        // fail the column (PostgreSQL refuses it: a 500), so the lengths are checked here too.
        if (request.Place?.Length > PlaceMax)
        {
            return Invalid.Field(nameof(request.Place), $"The place is at most {PlaceMax} characters.");
        }
        if (request.Title?.Length > TitleMax)
        {
            return Invalid.Field(nameof(request.Title), $"The title is at most {TitleMax} characters.");
        }
        if (request.VideoLink?.Length > VideoLinkMax)
        {
            return Invalid.Field(nameof(request.VideoLink), $"The video link is at most {VideoLinkMax} characters.");
        }
        if (request.StartsAt is null)
        {
            return Invalid.Field(nameof(request.StartsAt), "Give the meeting's start.");
        }
        // Blazor's form binding reads an enum from its number too ("Mode=7"): an undefined value would be stored, and every
        // JSON read of the meeting would then fail writing it (ADR 110).
        if (!Enum.IsDefined(request.Mode))
        {
            return Invalid.Field(nameof(request.Mode), "Choose how you meet: InPerson or Online.");
        }
        if (request.Cadence is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field(nameof(request.Cadence), $"Choose a cadence: {string.Join(", ", Enum.GetNames<Cadence>())}.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var start = request.StartsAt.Value.UtcDateTime;
        if (start <= now)
        {
            return Invalid.Field(nameof(request.StartsAt), "A meeting starts in the future.");
        }
        if (Scheduling.TooFarAhead(start, now))
        {
            return Invalid.Field(nameof(request.StartsAt), Scheduling.TooFarAheadMessage("A meeting"));
        }
        var modeFlag = request.Mode == MeetingMode.Online ? MeetingFormats.Online : MeetingFormats.InPerson;
        if ((relationship.MeetingFormats & (MeetingFormats.Online | MeetingFormats.InPerson)) != 0 && !relationship.MeetingFormats.HasFlag(modeFlag))
        {
            return Invalid.Field(nameof(request.Mode), $"This program does not hold {(request.Mode == MeetingMode.Online ? "online" : "in-person")} meetings.");
        }
        string? place = string.IsNullOrWhiteSpace(request.Place) ? null : request.Place.Trim();
        string? videoLink = null;
        if (request.Mode == MeetingMode.InPerson && place is null)
        {
            return Invalid.Field(nameof(request.Place), "Say where you will meet.");
        }
        if (request.Mode == MeetingMode.Online)
        {
            var link = await links.LinkForAsync(relationship.OrganisationId, request.VideoLink, ct);
            if (link.Failure is { } failure)
            {
                return failure;
            }
            videoLink = link.Value;
        }

        var organiserZone = relationship.MyZone ?? "UTC";
        var meetings = new List<Meeting>();
        if (request.Occurrences == 1)
        {
            meetings.Add(new Meeting(relationshipId, relationship.ProgramId, actor.UserId, start, request.DurationMinutes,
                request.Mode, place, videoLink, request.Title?.Trim(), null, now));
        }
        else
        {
            var cadence = request.Cadence ?? relationship.Cadence;
            var localStart = Zones.ToLocal(start, organiserZone);
            var series = new MeetingSeries(relationshipId, relationship.ProgramId, actor.UserId, localStart, organiserZone,
                cadence, request.Occurrences, request.DurationMinutes, now);
            db.Add(series);
            // A series stops at the program's last day (in the organiser's zone).
            var starts = MeetingRecurrence.Occurrences(localStart, organiserZone, cadence, request.Occurrences)
                .Where(at => relationship.EndsOn is not { } last || DateOnly.FromDateTime(Zones.ToLocal(at, organiserZone)) <= last).ToList();
            if (starts.Count == 0)
            {
                return Invalid.Field(nameof(request.StartsAt), $"The program ends on {relationship.EndsOn:d MMM yyyy}, before this series would start.");
            }
            meetings.AddRange(starts
                .Select(at => new Meeting(relationshipId, relationship.ProgramId, actor.UserId, at, request.DurationMinutes,
                    request.Mode, place, videoLink, request.Title?.Trim(), series.Id, now)));
        }
        // Saved by the mailer, in one commit with the notifications and the queued e-mails (issue 17).
        db.Set<Meeting>().AddRange(meetings);

        // What the e-mails and the views need is known already: the proposer's zone, name and membership, and the group's
        // answers: meetings just proposed have none yet (a group's meeting is listed with no answers, a pair's is not listed).
        var groupAnswers = relationship.Kind == RelationshipKind.Group
            ? meetings.ToDictionary(m => m.Id, _ => new List<MeetingAnswerView>())
            : [];
        await mailer.SendAsync(meetings, MeetingChange.Proposed, actor.UserId, meetings.Count == 1
            ? "New meeting proposed"
            : $"New meeting series proposed ({meetings.Count} meetings)", groupAnswers, ct);
        return meetings.Select(m => MeetingViews.ToView(actor, m, organiserZone, relationship.MyName ?? "", isMember, groupAnswers)).ToList();
    }
}
