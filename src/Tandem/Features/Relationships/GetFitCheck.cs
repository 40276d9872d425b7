using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>The reader's own answer to the fit check.</summary>
public sealed record MyFitAnswerView(FitAnswer Answer, string? Note, DateTime AnsweredAt);

/// <summary>
/// The fit check as a member reads it: when it opens, whether they can answer, and their own answer. A partner's
/// answer and the poor-fit flag (which a partner's "No" sets) are not in it, so that each answers honestly (ADR 20).
/// </summary>
public sealed record MyFitCheckView(Guid RelationshipId, DateOnly OpensOn, bool IsOpen, bool CanAnswer, MyFitAnswerView? MyAnswer);

/// <summary>
/// A member reads the fit check of their relationship; a coordinator who is not a member is sent to
/// <see cref="GetFitCheckAnswers"/> (403), anyone else finds nothing (404).
/// </summary>
public sealed class GetFitCheck(TandemDb db, RelationshipAccess access, IMeetingsHeld meetingsHeld, TimeProvider clock)
{
    public async Task<Outcome<MyFitCheckView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var relationship = await access.Readable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.Id, r.ProgramId, r.StartsOn, r.Status, IsMember = r.Members.Any(m => m.UserId == actor.UserId) })
            .SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        if (!relationship.IsMember)
        {
            return new Forbidden($"Only members have a fit check to answer; coordinators read the answers at /api/v1/relationships/{relationshipId}/fit-check/answers.");
        }
        var (opensOn, isOpen) = await FitCheckWindow.ReadAsync(db, meetingsHeld, relationshipId, relationship.ProgramId, relationship.StartsOn, relationship.Status,
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
        var mine = await db.Set<FitCheckAnswer>().Where(a => a.RelationshipId == relationshipId && a.UserId == actor.UserId)
            .Select(a => new MyFitAnswerView(a.Answer, a.Note, a.AnsweredAt))
            .SingleOrDefaultAsync(ct);
        return new MyFitCheckView(relationshipId, opensOn, isOpen, isOpen && mine is null, mine);
    }
}
