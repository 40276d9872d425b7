using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Meetings;

/// <summary>What responding to, moving and cancelling a meeting share: finding it, and claiming its row against a race.</summary>
public sealed class MeetingChanges(TandemDb db, MeetingAccess access, IProgramRetention retention)
{
    public const string Retained = "This program's data has been anonymised after it closed, so its meetings take no more answers, notes or changes.";

    /// <summary>
    /// Retention anonymised the program's personal text once and leaves its old meetings as they were: an answer, a
    /// cancellation or a note given afterwards would be kept for good and would send notices for a program that has ended
    /// (ADR 108, ADR 110). Null while the program's data are kept.
    /// </summary>
    internal async Task<Conflict?> RetainedAsync(Guid programId, CancellationToken ct) =>
        await retention.AnonymisedAtAsync(programId, ct) is null ? null : new Conflict(Retained);

    /// <summary>
    /// Locks the meeting row only if nobody changed it since it was read (same status and sequence), so that an
    /// accept and a decline sent at the same moment cannot both win: the second finds no row and gets 409.
    /// </summary>
    internal Task<bool> ClaimAsync(Meeting meeting, DateTime now, CancellationToken ct) => ClaimAsync([meeting], now, ct);

    /// <summary>
    /// The same for several meetings at once (an answer or cancellation of "this and later ones", ADR 125), in one
    /// statement: every meeting must still have the status and sequence it was read with, or none is changed and the
    /// caller answers 409. The later meetings are locked with the clicked one, so another answer to one of them waits
    /// for this one and then finds it changed, rather than both writing.
    /// </summary>
    internal async Task<bool> ClaimAsync(IReadOnlyCollection<Meeting> meetings, DateTime now, CancellationToken ct) =>
        await ClaimWhereAsync(meetings, meeting =>
        {
            var (id, status, sequence) = (meeting.Id, meeting.Status, meeting.Sequence);
            return m => m.Id == id && m.Status == status && m.Sequence == sequence;
        }, now, ct);

    /// <summary>
    /// Claims the meetings of a group answer: each must still be at the time (sequence) it was read and still open; its
    /// status may have moved between proposed and accepted (another member's answer), which does not change what this
    /// answer means.
    /// </summary>
    internal async Task<bool> ClaimOpenAsync(IReadOnlyCollection<Meeting> meetings, DateTime now, CancellationToken ct) =>
        await ClaimWhereAsync(meetings, meeting =>
        {
            var (id, sequence) = (meeting.Id, meeting.Sequence);
            return m => m.Id == id && m.Sequence == sequence && (m.Status == MeetingStatus.Proposed || m.Status == MeetingStatus.Accepted);
        }, now, ct);

    /// <summary>
    /// One conditional UPDATE whose WHERE is the meetings' own conditions joined by OR (each condition's values are
    /// captured, so they are sent as parameters); true when every meeting matched.
    /// </summary>
    private async Task<bool> ClaimWhereAsync(IReadOnlyCollection<Meeting> meetings, Func<Meeting, Expression<Func<Meeting, bool>>> unchanged,
        DateTime now, CancellationToken ct)
    {
        var row = Expression.Parameter(typeof(Meeting), "m");
        var any = meetings.Select(m => unchanged(m)).Select(e => new Rebind(e.Parameters[0], row).Visit(e.Body)).Aggregate(Expression.OrElse);
        var where = Expression.Lambda<Func<Meeting, bool>>(any, row);
        return await db.Set<Meeting>().Where(where).ExecuteUpdateAsync(s => s.SetProperty(m => m.UpdatedAt, now), ct) == meetings.Count;
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    internal static Conflict Raced() => new("Someone changed this meeting at the same moment. Reload and try again.");

    /// <summary>
    /// A meeting is moved, accepted or given another time only while its relationship is active: a paused one (a guardian
    /// withdrew consent, a coordinator paused it) or an ended one is not contacted through it (declining and cancelling
    /// stay open). Null when active.
    /// </summary>
    internal async Task<Conflict?> NotActiveAsync(Meeting meeting, CancellationToken ct)
    {
        var status = await db.Set<Relationship>().Where(r => r.Id == meeting.RelationshipId).Select(r => r.Status).SingleAsync(ct);
        return status == RelationshipStatus.Active ? null
            : new Conflict($"The relationship is {status.ToString().ToLowerInvariant()}; its meetings are not moved or accepted until it is active again. Cancelling or declining stays open.");
    }

    internal async Task<(Meeting? Meeting, Failure? Failure, bool IsMember)> FindAsync(Actor actor, Guid meetingId, CancellationToken ct)
    {
        var meeting = await access.Visible(actor).SingleOrDefaultAsync(m => m.Id == meetingId, ct);
        if (meeting is null)
        {
            return (null, new NotFound("No meeting with this id is visible to you."), false);
        }
        var isMember = await db.Set<RelationshipMember>().AnyAsync(m => m.RelationshipId == meeting.RelationshipId && m.UserId == actor.UserId, ct);
        return (meeting, null, isMember);
    }

    internal async Task<bool> CoordinatesGroupAsync(Actor actor, Meeting meeting, CancellationToken ct) =>
        await access.ManagedProgramIds(actor).ContainsAsync(meeting.ProgramId, ct)
        && await db.Set<Relationship>().AnyAsync(r => r.Id == meeting.RelationshipId && r.Kind == RelationshipKind.Group, ct);
}
