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
    [StringLength(1000)]
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
        var found = await access.FindManageableAsync(actor, relationshipId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var relationship = found.Value!;
        var next = request.Status ?? relationship.Status;
        var reason = request.Reason?.Trim();
        if (next == RelationshipStatus.EndedEarly && string.IsNullOrEmpty(reason))
        {
            return Invalid.Field(nameof(request.Reason), "Say why the relationship ends early.");
        }
        if (next == RelationshipStatus.Active && relationship.Status == RelationshipStatus.Paused)
        {
            // A relationship paused because consent was withdrawn resumes only once it is given again (ADR 48).
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
        await ReleaseSeatsIfClosedAsync(db, relationship, ct);
        if (!relationship.IsOpen)
        {
            await webhooks.AddAsync(WebhookEvent.ForRelationshipEnded(relationship.Id, relationship.ProgramId, relationship.Status.ToString(), now), ct);
        }
        await db.SaveChangesAsync(ct);
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

    /// <summary>Marks the seats of a relationship that just closed for deletion (saved with the caller's changes).</summary>
    internal static async Task ReleaseSeatsIfClosedAsync(TandemDb db, Relationship relationship, CancellationToken ct)
    {
        if (!relationship.IsOpen)
        {
            db.RemoveRange(await db.Set<RelationshipSeat>().Where(s => s.RelationshipId == relationship.Id).ToListAsync(ct));
        }
    }
}
