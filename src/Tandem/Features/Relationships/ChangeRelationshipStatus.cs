using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Relationships;

public sealed class ChangeRelationshipStatusRequest
{
    [Required]
    public RelationshipStatus? Status { get; set; }

    /// <summary>Required when ending early; kept with the relationship's history.</summary>
    [StringLength(ChangeRelationshipStatus.MaxReason)]
    public string? Reason { get; set; }
}

/// <summary>
/// A coordinator pauses, resumes, completes or ends a relationship early (with a reason). Completing or ending
/// frees the members' seats, so the mentor's capacity and the mentee become available again.
/// </summary>
public sealed class ChangeRelationshipStatus(TandemDb db, RelationshipAccess access, RelationshipNotices notices, IWebhookEvents webhooks,
    IEnumerable<IRelationshipEndedListener> endedListeners, TimeProvider clock)
{
    public async Task<Outcome<RelationshipView>> RunAsync(Actor actor, Guid relationshipId, ChangeRelationshipStatusRequest request, CancellationToken ct = default)
    {
        var reason = request.Reason?.Trim();
        // The page's form mapping takes a number as a status (ADR 112).
        if (request.Status is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field(nameof(request.Status), "Choose a status: Active, Paused, Completed or EndedEarly.");
        }
        // The page calls this directly, without the request's validation: a longer reason failed the save on PostgreSQL (500).
        if (reason?.Length > MaxReason)
        {
            return Invalid.Field(nameof(request.Reason), $"The reason is at most {MaxReason} characters.");
        }
        var changed = await SeatTransaction.RunAsync(db, () => ChangeAsync(actor, relationshipId, request.Status, reason, ct), ct);
        if (changed.Failure is { } notChanged)
        {
            return notChanged;
        }
        var (relationship, next) = changed.Value;
        await notices.StatusChangedAsync(relationshipId, next, ct);
        if (!relationship.IsOpen)
        {
            foreach (var listener in endedListeners)
            {
                await listener.RelationshipEndedAsync(relationshipId, relationship.ProgramId, relationship.Status, ct);
            }
        }
        return (await access.ToViewsAsync(db.Set<Relationship>().Where(r => r.Id == relationshipId), ct)).Single();
    }

    /// <summary>The longest reason for ending early (the column's length).</summary>
    public const int MaxReason = 1000;

    private async Task<Outcome<(Relationship Relationship, RelationshipStatus Next)>> ChangeAsync(Actor actor, Guid relationshipId, RelationshipStatus? status,
        string? reason, CancellationToken ct)
    {
        var found = await access.FindManageableAsync(actor, relationshipId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var relationship = found.Value!;
        var next = status ?? relationship.Status;
        if (next == RelationshipStatus.EndedEarly && string.IsNullOrEmpty(reason))
        {
            return Invalid.Field(nameof(ChangeRelationshipStatusRequest.Reason), "Say why the relationship ends early.");
        }
        if (next == RelationshipStatus.Active && relationship.Status == RelationshipStatus.Paused)
        {
            // A relationship paused because consent was withdrawn resumes only once it is given again (ADR 48). Under the
            // program's lock, as a start reads it (ADR 126): a withdrawal's pause waits for this resume, or this reads its consent.
            await Programs.ProgramLock.TakeAsync(db, relationship.ProgramId, ct);
            var unconsented = await Applications.ConsentGate.UnconsentedAsync(db, relationship.ProgramId, ct);
            var members = db.Set<RelationshipMember>().Where(m => m.RelationshipId == relationshipId).Select(m => m.UserId);
            if (await unconsented.AnyAsync(u => members.Contains(u), ct))
            {
                return new Conflict("A member's consent (or their parent's or guardian's) is not given: the relationship stays paused until it is.");
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var from = relationship.Status;
        var moved = next switch
        {
            RelationshipStatus.Paused => relationship.Pause(actor.UserId, now),
            RelationshipStatus.Active => relationship.Resume(actor.UserId, now),
            RelationshipStatus.Completed => relationship.Complete(actor.UserId, now),
            RelationshipStatus.EndedEarly => relationship.EndEarly(actor.UserId, now, reason!),
            _ => false,
        };
        if (!moved)
        {
            var allowed = Relationship.AllowedNext(from);
            return new Conflict(allowed.Count == 0
                ? $"A {from} relationship cannot change status."
                : $"A {from} relationship can move to {string.Join(" or ", allowed)}, not {next}.");
        }
        // Only from the status read: of two changes at the same moment, the second is refused (ADR 91).
        if (!await RelationshipStatusChange.ClaimAsync(db, relationship, from, ct))
        {
            return new Conflict(RelationshipStatusChange.Raced);
        }
        await ReleaseSeatsIfClosedAsync(db, relationship, ct);
        if (!relationship.IsOpen)
        {
            await webhooks.AddAsync(WebhookEvent.ForRelationshipEnded(relationship.Id, relationship.ProgramId, relationship.Status.ToString(), now), ct);
        }
        await db.SaveChangesAsync(ct);
        return (relationship, next);
    }

    /// <summary>Marks the seats of a relationship that just closed for deletion (saved with the caller's changes).</summary>
    internal static async Task ReleaseSeatsIfClosedAsync(TandemDb db, Relationship relationship, CancellationToken ct)
    {
        if (!relationship.IsOpen)
        {
            db.RemoveRange(await db.Set<RelationshipSeat>().Where(s => s.RelationshipId == relationship.Id).ToListAsync(ct));
        }
    }
}
