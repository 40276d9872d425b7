using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Events;

/// <summary>What sort of gathering an event is. Recruitment's information sessions are events of kind InformationSession (ADR 70).</summary>
public enum EventKind { Workshop, Social, Networking, Training, InformationSession }

/// <summary>Who an event is for, as announcements say it (ADR 55): peers both mentor and are mentored, so they are in both.</summary>
public enum EventAudience { Everyone, Mentors, Mentees }

/// <summary>A person's answer to an event. Going past the capacity puts them on the waitlist, in the order they asked.</summary>
public enum RsvpState { Going, Waitlisted, NotGoing }

/// <summary>
/// A program's workshop, social, networking event, training or information session, set up by its coordinators: a time
/// (UTC instants with the zone it is held in, as meetings keep theirs), a place or an https video link, an audience, and
/// a capacity with a waitlist. <see cref="GoingCount"/> is kept beside the answers and only changed while the event's row
/// is locked (<see cref="EventPlaces"/>), so places are never given twice.
/// </summary>
public sealed class ProgramEvent
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 10_000;
    public const int PlaceMax = 300;
    public const int VideoLinkMax = 500;
    public const int ZoneMax = 64;
    public const int CapacityMax = 100_000;

    private ProgramEvent() { }

    public ProgramEvent(Guid programId, EventKind kind, string title, string description, DateTime startsAt, DateTime endsAt, string timeZoneId,
        string? place, string? videoLink, EventAudience audience, int? capacity, Guid? hostUserId, Guid? createdByUserId, DateTime createdAt, Guid? id = null)
    {
        Id = id ?? Guid.CreateVersion7();
        ProgramId = programId;
        Kind = kind;
        Title = title;
        Description = description;
        StartsAt = DateTime.SpecifyKind(startsAt, DateTimeKind.Utc);
        EndsAt = DateTime.SpecifyKind(endsAt, DateTimeKind.Utc);
        TimeZoneId = timeZoneId;
        Place = place;
        VideoLink = videoLink;
        Audience = audience;
        Capacity = capacity;
        HostUserId = hostUserId;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public EventKind Kind { get; private set; }
    public string Title { get; private set; } = "";

    /// <summary>Markdown, shown through SafeMarkdown (ADR 55).</summary>
    public string Description { get; private set; } = "";
    public DateTime StartsAt { get; private set; }
    public DateTime EndsAt { get; private set; }

    /// <summary>The IANA zone the event is held in: how its time is shown to those who have not set their own.</summary>
    public string TimeZoneId { get; private set; } = "UTC";
    public string? Place { get; private set; }
    public string? VideoLink { get; private set; }
    public EventAudience Audience { get; private set; }

    /// <summary>Places; null when there is no limit (and so no waitlist).</summary>
    public int? Capacity { get; private set; }

    /// <summary>Those going now: kept with the answers, under the event's row lock.</summary>
    public int GoingCount { get; private set; }

    /// <summary>A mentor of the program named to host; null when its coordinators host. The host takes attendance.</summary>
    public Guid? HostUserId { get; private set; }
    public Guid? CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? CancelledAt { get; private set; }

    /// <summary>iCalendar SEQUENCE: bumped when calendars must pick up a change (a cancellation, by <see cref="CancelEvent"/>'s conditional update).</summary>
    public int Sequence { get; private set; }
    public DateTime? AttendanceTakenAt { get; private set; }

    public void NoteAttendanceTaken(DateTime at) => AttendanceTakenAt = at;

    /// <summary>The program roles an audience reaches.</summary>
    public static ProgramRole[] RolesOf(EventAudience audience) => audience switch
    {
        EventAudience.Mentors => [ProgramRole.Mentor, ProgramRole.Peer],
        EventAudience.Mentees => [ProgramRole.Mentee, ProgramRole.Peer],
        _ => [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer],
    };

    /// <summary>The audiences a participant with these roles belongs to.</summary>
    public static EventAudience[] AudiencesFor(IReadOnlyCollection<ProgramRole> roles) =>
        Enum.GetValues<EventAudience>().Where(a => RolesOf(a).Any(roles.Contains)).ToArray();
}

/// <summary>One person's answer to one event; attendance is recorded on it by the host after the event.</summary>
public sealed class EventRsvp
{
    private EventRsvp() { }

    public EventRsvp(Guid eventId, Guid userId, RsvpState state, int queueNumber, DateTime at, Guid? id = null)
    {
        Id = id ?? Guid.CreateVersion7();
        EventId = eventId;
        UserId = userId;
        State = state;
        RespondedAt = at;
        QueuedAt = at;
        QueueNumber = queueNumber;
    }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public Guid UserId { get; private set; }
    public RsvpState State { get; private set; }
    public DateTime RespondedAt { get; private set; }

    /// <summary>When they last asked for a place.</summary>
    public DateTime QueuedAt { get; private set; }

    /// <summary>
    /// The waitlist's order: one more than the event's highest when they last asked for a place, given under the event's
    /// row lock, so two answers in the same instant still have an order.
    /// </summary>
    public int QueueNumber { get; private set; }

    /// <summary>Null until the host takes attendance.</summary>
    public bool? Attended { get; private set; }
    public DateTime? AttendanceRecordedAt { get; private set; }

    public void Answer(RsvpState state, int queueNumber, DateTime at)
    {
        if (state != RsvpState.NotGoing && State == RsvpState.NotGoing)
        {
            QueuedAt = at;
            QueueNumber = queueNumber;
        }
        State = state;
        RespondedAt = at;
    }

    public void Promote(DateTime at)
    {
        State = RsvpState.Going;
        RespondedAt = at;
    }

    public void RecordAttendance(bool attended, DateTime at)
    {
        Attended = attended;
        AttendanceRecordedAt = at;
    }
}

/// <summary>
/// The claim on one event reminder (a person's, or the program channels' post), as Engagement's reminder dispatches are
/// (ADR 57): its <see cref="Key"/> is unique, so of two nodes inserting it exactly one sends; a claim whose sender died
/// before marking it sent is taken over after the lease.
/// </summary>
public sealed class EventReminderClaim
{
    public const int KeyMax = 200;

    private EventReminderClaim() { }

    public EventReminderClaim(string key, Guid eventId, string claimedBy, DateTime claimedAt)
    {
        Id = Guid.CreateVersion7();
        Key = key;
        EventId = eventId;
        ClaimedBy = claimedBy;
        ClaimedAt = claimedAt;
    }

    public Guid Id { get; private set; }
    public string Key { get; private set; } = "";
    public Guid EventId { get; private set; }
    public string ClaimedBy { get; private set; } = "";
    public DateTime ClaimedAt { get; private set; }
    public DateTime? SentAt { get; private set; }
}

internal sealed class ProgramEventConfiguration : IEntityTypeConfiguration<ProgramEvent>
{
    public void Configure(EntityTypeBuilder<ProgramEvent> evt)
    {
        evt.ToTable("Events");
        evt.HasKey(e => e.Id);
        evt.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        evt.Property(e => e.Audience).HasConversion<string>().HasMaxLength(20);
        evt.Property(e => e.Title).HasMaxLength(ProgramEvent.TitleMax).IsRequired();
        evt.Property(e => e.Description).HasMaxLength(ProgramEvent.DescriptionMax).IsRequired();
        evt.Property(e => e.TimeZoneId).HasMaxLength(ProgramEvent.ZoneMax).IsRequired();
        evt.Property(e => e.Place).HasMaxLength(ProgramEvent.PlaceMax);
        evt.Property(e => e.VideoLink).HasMaxLength(ProgramEvent.VideoLinkMax);
        evt.HasOne<MentorshipProgram>().WithMany().HasForeignKey(e => e.ProgramId).OnDelete(DeleteBehavior.Cascade);
        // Erasing a host or an author keeps the program's events.
        evt.HasOne<TandemUser>().WithMany().HasForeignKey(e => e.HostUserId).OnDelete(DeleteBehavior.SetNull);
        evt.HasOne<TandemUser>().WithMany().HasForeignKey(e => e.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        // The program's list by time, and the reminder pass's "starting within a day".
        evt.HasIndex(e => new { e.ProgramId, e.StartsAt });
        evt.HasIndex(e => e.StartsAt);
    }
}

internal sealed class EventRsvpConfiguration : IEntityTypeConfiguration<EventRsvp>
{
    public void Configure(EntityTypeBuilder<EventRsvp> rsvp)
    {
        rsvp.ToTable("EventRsvps");
        rsvp.HasKey(r => r.Id);
        rsvp.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        rsvp.HasOne<ProgramEvent>().WithMany().HasForeignKey(r => r.EventId).OnDelete(DeleteBehavior.Cascade);
        // An answer is the person's own: erasing them deletes it.
        rsvp.HasOne<TandemUser>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        rsvp.HasIndex(r => new { r.EventId, r.UserId }).IsUnique();
        // The waitlist in order, and those going.
        rsvp.HasIndex(r => new { r.EventId, r.State, r.QueueNumber });
        // Engagement's "events attended" of a pair's members.
        rsvp.HasIndex(r => new { r.UserId, r.Attended });
    }
}

internal sealed class EventReminderClaimConfiguration : IEntityTypeConfiguration<EventReminderClaim>
{
    public void Configure(EntityTypeBuilder<EventReminderClaim> claim)
    {
        claim.ToTable("EventReminderClaims");
        claim.HasKey(c => c.Id);
        claim.Property(c => c.Key).HasMaxLength(EventReminderClaim.KeyMax).IsRequired();
        claim.Property(c => c.ClaimedBy).HasMaxLength(100).IsRequired();
        claim.HasIndex(c => c.Key).IsUnique();
        claim.HasOne<ProgramEvent>().WithMany().HasForeignKey(c => c.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}
