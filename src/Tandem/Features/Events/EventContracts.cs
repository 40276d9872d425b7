using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure.Paging;

namespace Tandem.Features.Events;

public sealed class CreateEventRequest
{
    /// <summary>Workshop, Social, Networking, Training or InformationSession.</summary>
    public EventKind Kind { get; set; } = EventKind.Workshop;

    [Required, StringLength(ProgramEvent.TitleMax, MinimumLength = 1)]
    public string Title { get; set; } = "";

    /// <summary>Markdown: paragraphs, # headings, - and 1. lists, **bold**, *italic*, `code`, [links](https://…). No HTML.</summary>
    [StringLength(ProgramEvent.DescriptionMax)]
    public string? Description { get; set; }

    /// <summary>The start as an instant (UTC, or with an offset).</summary>
    [Required]
    public DateTimeOffset? StartsAt { get; set; }

    /// <summary>The end as an instant; after the start, at most 7 days later.</summary>
    [Required]
    public DateTimeOffset? EndsAt { get; set; }

    /// <summary>The IANA zone the event is held in (e.g. Europe/London), used to show its time.</summary>
    [StringLength(ProgramEvent.ZoneMax)]
    public string TimeZoneId { get; set; } = "UTC";

    [StringLength(ProgramEvent.PlaceMax)]
    public string? Place { get; set; }

    /// <summary>An https address to join online.</summary>
    [StringLength(ProgramEvent.VideoLinkMax)]
    public string? VideoLink { get; set; }

    /// <summary>Everyone (the default), Mentors or Mentees; peers are in both.</summary>
    public EventAudience Audience { get; set; } = EventAudience.Everyone;

    /// <summary>Places; leave out for no limit. Past it, people join the waitlist.</summary>
    [Range(1, ProgramEvent.CapacityMax)]
    public int? Capacity { get; set; }

    /// <summary>A mentor (or peer, or coordinator) of the program who hosts and takes attendance; leave out when the coordinators host.</summary>
    public Guid? HostUserId { get; set; }
}

public sealed class RsvpRequest
{
    /// <summary>true: going (or the waitlist when the event is full); false: not going (a place taken goes to the first on the waitlist).</summary>
    [Required]
    public bool? Going { get; set; }
}

public sealed class RecordAttendanceRequest
{
    /// <summary>Who came and who did not, of those who answered; people not listed keep what was recorded before.</summary>
    [Required, MaxLength(ProgramEvent.CapacityMax)]
    public List<AttendanceMark> Entries { get; set; } = [];
}

public sealed class AttendanceMark
{
    [Required]
    public Guid? UserId { get; set; }

    [Required]
    public bool? Attended { get; set; }
}

/// <summary>
/// An event as the people of its program read it: what, when, where, how full, and the reader's own answer. Never who
/// else is going: that list is the host's (<see cref="EventAttendanceView"/>).
/// </summary>
public sealed record EventView(
    Guid Id,
    Guid ProgramId,
    EventKind Kind,
    string Title,
    string Description,
    DateTime StartsAt,
    DateTime EndsAt,
    string TimeZoneId,
    DateTime LocalStartsAt,
    string? Place,
    string? VideoLink,
    bool Online,
    EventAudience Audience,
    int? Capacity,
    int Going,
    int Waitlisted,
    int? PlacesLeft,
    string? HostName,
    DateTime? CancelledAt,
    RsvpState? MyRsvp,
    int? WaitlistPosition,
    bool CanRsvp,
    bool CanTakeAttendance);

/// <summary>One answer as the host sees it when taking attendance.</summary>
public sealed record AttendeeView(Guid UserId, string DisplayName, RsvpState State, DateTime QueuedAt, bool? Attended);

/// <summary>The host's list: who answered (going first, then the waitlist in order, then those not going) and who came, a page at a time.</summary>
public sealed record EventAttendanceView(Guid EventId, string Title, DateTime StartsAt, DateTime? AttendanceTakenAt, Paged<AttendeeView> People);
