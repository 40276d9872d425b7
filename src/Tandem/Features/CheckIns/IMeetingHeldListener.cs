namespace Tandem.Features.CheckIns;

/// <summary>A meeting held, as the first check-in saying it happened records it (or an unscheduled contact logged).</summary>
public sealed record MeetingHeld(Guid RelationshipId, Guid ProgramId, Guid? MeetingId, Guid CheckInId, DateTime OccurredAt);

/// <summary>
/// Told when a check-in records a meeting as held, once per meeting, inside the check-in's transaction after the pair's
/// counts are kept (so <c>Relationship.MeetingsHeld</c> includes it). Recognition awards badges and proposes service hours
/// here (ADR 63) without check-ins knowing of it.
/// </summary>
public interface IMeetingHeldListener
{
    Task MeetingHeldAsync(MeetingHeld held, CancellationToken ct);
}
