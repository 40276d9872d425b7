namespace Tandem.Infrastructure.Webhooks;

/// <summary>
/// Something that happened in a program that an organisation's signed webhooks may be told about (ADR 58). The factories
/// below are the whole list of what may leave Tandem this way: ids, kinds, statuses and instants, and an announcement's
/// title (written to be published). Never a check-in's words, a concern, a message, a journal entry, a reason for ending
/// or anybody's name: a factory takes no such thing, so no caller can put one in.
/// </summary>
public sealed record WebhookEvent(Guid Id, string Type, DateTime OccurredAt, Guid ProgramId, IReadOnlyDictionary<string, object?> Data)
{
    public const string RelationshipStarted = "relationship.started";
    public const string MeetingHeld = "meeting.held";
    public const string RelationshipEnded = "relationship.ended";
    public const string AnnouncementPosted = "announcement.posted";
    public const string EventRsvp = "event.rsvp";

    /// <summary>The event types an endpoint may subscribe to.</summary>
    public static readonly IReadOnlyList<string> Types = [RelationshipStarted, MeetingHeld, RelationshipEnded, AnnouncementPosted, EventRsvp];

    /// <summary>A pair or group was started (matching published, a self-match accepted, a coordinator's hand, a re-match).</summary>
    public static WebhookEvent ForRelationshipStarted(Guid relationshipId, Guid programId, string kind, string source, DateOnly? startsOn, Guid? previousRelationshipId, DateTime at) =>
        New(RelationshipStarted, programId, at, new()
        {
            ["relationshipId"] = relationshipId,
            ["kind"] = Camel(kind),
            ["source"] = Camel(source),
            ["startsOn"] = startsOn?.ToString("yyyy-MM-dd"),
            ["previousRelationshipId"] = previousRelationshipId,
        });

    /// <summary>
    /// A member's check-in says a meeting happened (the first such check-in of a scheduled meeting), or a mentor logged an
    /// unscheduled contact (<c>meetingId</c> null). When it was held, never what was said.
    /// </summary>
    public static WebhookEvent ForMeetingHeld(Guid relationshipId, Guid programId, Guid? meetingId, Guid checkInId, DateTime heldAt, DateTime at) =>
        New(MeetingHeld, programId, at, new()
        {
            ["relationshipId"] = relationshipId,
            ["meetingId"] = meetingId,
            ["checkInId"] = checkInId,
            ["scheduled"] = meetingId is not null,
            ["heldAt"] = heldAt,
        });

    /// <summary>A relationship was completed or ended early; the status, never the reason.</summary>
    public static WebhookEvent ForRelationshipEnded(Guid relationshipId, Guid programId, string status, DateTime at) =>
        New(RelationshipEnded, programId, at, new()
        {
            ["relationshipId"] = relationshipId,
            ["status"] = Camel(status),
        });

    /// <summary>A coordinator posted an announcement: its title and audience, which were written to be published.</summary>
    public static WebhookEvent ForAnnouncementPosted(Guid announcementId, Guid programId, string title, string audience, DateTime at) =>
        New(AnnouncementPosted, programId, at, new()
        {
            ["announcementId"] = announcementId,
            ["title"] = title,
            ["audience"] = Camel(audience),
        });

    /// <summary>
    /// Someone answered a program's event, or was given a place from its waitlist (<c>promoted</c>): the ids, the answer
    /// and how full the event is (ADR 62). Never a name.
    /// </summary>
    public static WebhookEvent ForEventRsvp(Guid eventId, Guid programId, Guid rsvpId, Guid userId, string state, bool promoted, int going, int? capacity, DateTime at) =>
        New(EventRsvp, programId, at, new()
        {
            ["eventId"] = eventId,
            ["rsvpId"] = rsvpId,
            ["userId"] = userId,
            ["state"] = Camel(state),
            ["promoted"] = promoted,
            ["going"] = going,
            ["capacity"] = capacity,
        });

    private static WebhookEvent New(string type, Guid programId, DateTime at, Dictionary<string, object?> data) =>
        new(Guid.CreateVersion7(), type, at, programId, data);

    private static string Camel(string value) => value.Length == 0 ? value : char.ToLowerInvariant(value[0]) + value[1..];
}

/// <summary>
/// Queues an event for the signed webhooks of the program's organisation: one delivery per active endpoint subscribed to
/// its type, added to the caller's DbContext and NOT saved, so it is committed by the caller's own SaveChanges, in the
/// caller's transaction: an event is never lost, nor sent for a change that was rolled back. Implemented by
/// Features/Integrations (registered in TandemApp), so the features that raise events need not know it.
/// </summary>
public interface IWebhookEvents
{
    Task AddAsync(WebhookEvent webhookEvent, CancellationToken ct);
}
