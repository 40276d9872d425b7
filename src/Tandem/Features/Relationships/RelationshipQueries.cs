using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>
/// One relationship with its coordinator-only fields, for the program's coordinators and administrators; a
/// member who does not manage it is sent to <see cref="GetMyRelationship"/> (403), anyone else finds nothing (404).
/// </summary>
public sealed class GetRelationship(RelationshipAccess access)
{
    public async Task<Outcome<RelationshipView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var found = await access.FindManageableAsync(actor, relationshipId, ct,
            forbidden: $"Members read their relationship at /api/v1/relationships/mine/{relationshipId}.");
        if (found.Failure is { } failure)
        {
            return failure;
        }
        return (await access.ToViewsAsync(access.Manageable(actor).Where(r => r.Id == relationshipId), ct)).Single();
    }
}

/// <summary>One of the actor's own relationships, as a member reads it; 404 for a relationship they are not in.</summary>
public sealed class GetMyRelationship(TandemDb db, RelationshipAccess access)
{
    public async Task<Outcome<MyRelationshipView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var views = await access.ToMyViewsAsync(actor, db.Set<Relationship>()
            .Where(r => r.Id == relationshipId && r.Members.Any(m => m.UserId == actor.UserId)), ct);
        return views.Count == 1 ? views[0] : new NotFound("You are not a member of a relationship with this id.");
    }
}

/// <summary>The actor's own relationships across programs: open ones first, then history, newest first.</summary>
public sealed class ListMyRelationships(TandemDb db, RelationshipAccess access)
{
    public async Task<Paged<MyRelationshipView>> RunAsync(Actor actor, RelationshipListQuery query, CancellationToken ct = default)
    {
        var page = PageRequest.Clamp(query.Page, query.PageSize);
        var mine = db.Set<Relationship>().Where(r => r.Members.Any(m => m.UserId == actor.UserId));
        if (query.Status is { } status)
        {
            mine = mine.Where(r => r.Status == status);
        }
        var total = await mine.CountAsync(ct);
        var items = await access.ToMyViewsAsync(actor, mine
            .OrderBy(r => r.Status == RelationshipStatus.Active ? 0 : r.Status == RelationshipStatus.Paused ? 1 : 2)
            .ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Page(page), ct);
        return page.Of(items, total);
    }
}

/// <summary>A program's relationships for its coordinators, filtered by status or poor fit, one page at a time.</summary>
public sealed class ListProgramRelationships(TandemDb db, ProgramAccess programs, RelationshipAccess access)
{
    public async Task<Outcome<Paged<RelationshipView>>> RunAsync(Actor actor, Guid programId, RelationshipListQuery query, CancellationToken ct = default)
    {
        var found = await UpdateProgram.FindManageableAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var page = PageRequest.Clamp(query.Page, query.PageSize);
        var relationships = db.Set<Relationship>().Where(r => r.ProgramId == programId);
        if (query.Status is { } status)
        {
            relationships = relationships.Where(r => r.Status == status);
        }
        if (query.PoorFitOnly)
        {
            relationships = relationships.Where(r => r.PoorFitFlaggedAt != null);
        }
        var total = await relationships.CountAsync(ct);
        var items = await access.ToViewsAsync(relationships
            .OrderByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Page(page), ct);
        return page.Of(items, total);
    }
}
