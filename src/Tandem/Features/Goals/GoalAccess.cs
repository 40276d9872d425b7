using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Goals;

/// <summary>The relationship a goal request is about, as far as the caller may use it.</summary>
public sealed record GoalScope(Guid RelationshipId, Guid ProgramId, RelationshipStatus Status, bool IsMember, IReadOnlyList<GoalMemberRow> Members)
{
    public bool IsOpen => Status is RelationshipStatus.Active or RelationshipStatus.Paused;
}

/// <summary>A member with what an import matches an assignee by (never shown: views carry the name only).</summary>
public sealed record GoalMemberRow(Guid UserId, string DisplayName, string Email);

/// <summary>
/// Who may use a relationship's goals: its members read and change them; the program's coordinators (and administrators)
/// read them, to follow progress, and are refused changes (403); anyone else finds nothing (404).
/// </summary>
public sealed class GoalAccess(TandemDb db, RelationshipAccess relationships, IProgramRetention retention)
{
    public const string NotVisible = "No relationship with this id is visible to you.";
    public const string OnlyMembers = "Coordinators follow a pair's goals; only the pair or group's members change them.";
    public const string Retained = "This program's data has been anonymised after it closed, so its goals, milestones and action items take no more changes.";

    public async Task<Outcome<GoalScope>> ReadAsync(Actor actor, Guid relationshipId, CancellationToken ct)
    {
        var relationship = await relationships.Readable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.Id, r.ProgramId, r.Status }).SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound(NotVisible);
        }
        var members = await db.Set<RelationshipMember>().Where(m => m.RelationshipId == relationshipId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new GoalMemberRow(u.Id, u.DisplayName, u.Email ?? ""))
            .ToListAsync(ct);
        return new GoalScope(relationship.Id, relationship.ProgramId, relationship.Status,
            members.Any(m => m.UserId == actor.UserId), members.OrderBy(m => m.DisplayName, StringComparer.CurrentCulture).ToList());
    }

    /// <summary>
    /// The scope when the caller may change the relationship's goals: a member, while the relationship is open and its
    /// program's data are kept. After retention (ADR 108, ADR 125) a relationship left active takes no goal, milestone,
    /// action item, import or change: what is written then would be kept for good.
    /// </summary>
    public async Task<Outcome<GoalScope>> EditAsync(Actor actor, Guid relationshipId, CancellationToken ct)
    {
        var scope = await ReadAsync(actor, relationshipId, ct);
        if (scope.Failure is not null)
        {
            return scope;
        }
        if (!scope.Value!.IsMember)
        {
            return new Forbidden(OnlyMembers);
        }
        if (!scope.Value.IsOpen)
        {
            return new Conflict("This relationship has ended; its goals can no longer change.");
        }
        if (await retention.AnonymisedAtAsync(scope.Value.ProgramId, ct) is not null)
        {
            return new Conflict(Retained);
        }
        return scope;
    }
}
