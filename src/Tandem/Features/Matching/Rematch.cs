using System.ComponentModel.DataAnnotations;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Webhooks;

namespace Tandem.Features.Matching;

public sealed class RematchRequest
{
    /// <summary>The person who stays in the program and gets a new partner (their enrolment).</summary>
    [Required]
    public Guid? EnrolmentId { get; set; }

    /// <summary>
    /// The new partner(s); for a mentee, their new mentor. Empty for a mentee: the best-ranked mentor with
    /// room (other than the old one) is chosen, with the engine's explanation.
    /// </summary>
    [MaxLength(29)]
    public List<Guid> NewPartnerEnrolmentIds { get; set; } = [];

    [Required, StringLength(Rematch.MaxReason, MinimumLength = 3)]
    public string Reason { get; set; } = "";

    /// <summary>When the new relationship starts; today when omitted.</summary>
    public DateOnly? StartsOn { get; set; }

    [StringLength(4000)]
    public string? MatchExplanation { get; set; }
}

/// <summary>
/// Re-matches a person: the old relationship ends early with the reason (and stays in the history), and a new
/// one starts with the new partner(s), Source = Rematch, pointing back to the old one. One transaction.
/// </summary>
public sealed class Rematch(TandemDb db, RelationshipAccess access, StartRelationship start, MentorRanking ranking, RelationshipNotices notices, IWebhookEvents webhooks, IProgramRetention retention, TimeProvider clock)
{
    private const string EndReasonPrefix = "Re-matched: ";

    /// <summary>The longest reason: with its prefix ("Re-matched: ", 12 characters) it fills the end reason's column.</summary>
    public const int MaxReason = ChangeRelationshipStatus.MaxReason - 12;

    public async Task<Outcome<RelationshipView>> RunAsync(Actor actor, Guid relationshipId, RematchRequest request, CancellationToken ct = default)
    {
        var reason = request.Reason.Trim();
        if (reason.Length < 3)
        {
            return Invalid.Field(nameof(request.Reason), "Say why the person is re-matched.");
        }
        // Stored as "Re-matched: " and the reason, in the end reason's column: a longer one failed on PostgreSQL (500).
        if (reason.Length > MaxReason)
        {
            return Invalid.Field(nameof(request.Reason), $"The reason is at most {MaxReason} characters.");
        }
        var outcome = await SeatTransaction.RunAsync(db, async () =>
        {
            var found = await access.FindManageableAsync(actor, relationshipId, ct);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            var old = found.Value!;
            // The program's lock before this pair's row, in the order every change of a pair takes them (a status change, a
            // consent's pause): taken only when the new pair starts, after the old one was claimed, it waited on a status
            // change of the old pair that held the lock and waited on the claimed row, a deadlock on PostgreSQL (ADR 132).
            await ProgramLock.TakeAsync(db, old.ProgramId, ct);
            if (!old.IsOpen)
            {
                return new Conflict($"A {old.Status} relationship cannot be re-matched; only active or paused ones.");
            }
            if (await MatchingAccess.RefusalAsync(db, retention, old.ProgramId, ct) is { } refused)
            {
                return refused;
            }
            if (old.Members.SingleOrDefault(m => m.EnrolmentId == request.EnrolmentId) is not { } person)
            {
                return Invalid.Field(nameof(request.EnrolmentId), "The person to re-match must be a member of this relationship.");
            }
            if (request.NewPartnerEnrolmentIds.Any(id => old.Members.Any(m => m.EnrolmentId == id)))
            {
                return Invalid.Field(nameof(request.NewPartnerEnrolmentIds), "The new partner must not be in the relationship being ended.");
            }
            var now = clock.GetUtcNow().UtcDateTime;
            var from = old.Status;
            if (!old.EndEarly(actor.UserId, now, EndReasonPrefix + reason))
            {
                return new Conflict($"A {old.Status} relationship cannot be re-matched; only active or paused ones.");
            }
            // Only from the status read: a coordinator completing or pausing it at the same moment is not overwritten (ADR 91).
            if (!await RelationshipStatusChange.ClaimAsync(db, old, from, ct))
            {
                return new Conflict(RelationshipStatusChange.Raced);
            }
            await ChangeRelationshipStatus.ReleaseSeatsIfClosedAsync(db, old, ct);
            await webhooks.AddAsync(WebhookEvent.ForRelationshipEnded(old.Id, old.ProgramId, old.Status.ToString(), now), ct);
            await db.SaveChangesAsync(ct);
            var members = new List<Guid> { person.EnrolmentId };
            var explanation = request.MatchExplanation;
            int? score = null;
            if (request.NewPartnerEnrolmentIds.Count == 0)
            {
                if (person.Role != Programs.ProgramRole.Mentee)
                {
                    return Invalid.Field(nameof(request.NewPartnerEnrolmentIds), "Name the new partner(s); only a mentee's new mentor is chosen automatically.");
                }
                // Ranked after the old relationship released its seats (same transaction), never the old mentor again.
                var best = (await ranking.RankAsync(old.ProgramId, [person.EnrolmentId], ct))[person.EnrolmentId]
                    .FirstOrDefault(m => old.Members.All(o => o.EnrolmentId != m.EnrolmentId));
                if (best is null)
                {
                    return new Conflict("No other mentor with room passes the hard rules for this mentee; nothing was changed.");
                }
                members.Add(best.EnrolmentId);
                explanation ??= best.Explanation;
                score = (int)Math.Clamp(best.Score, 0, 100);
            }
            members.AddRange(request.NewPartnerEnrolmentIds);
            var kind = members.Count == 2 ? RelationshipKind.Pair : RelationshipKind.Group;
            var today = DateOnly.FromDateTime(now);
            return await start.StartAsync(
                new StartRelationshipRequest(old.ProgramId, members, kind, request.StartsOn ?? today, RelationshipSource.Rematch, explanation, score),
                actor.UserId, old.Id, ct);
        }, ct);
        if (outcome.Failure is { } notDone)
        {
            return notDone;
        }
        await notices.RematchedAsync(relationshipId, outcome.Value!.Id, ct);
        return (await access.ToViewsAsync(db.Set<Relationship>().Where(r => r.Id == outcome.Value!.Id), ct)).Single();
    }
}
