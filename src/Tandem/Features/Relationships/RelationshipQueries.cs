using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>One relationship, for its members, the program's coordinators and administrators; 404 for anyone else.</summary>
public sealed class GetRelationship(RelationshipAccess access)
{
    public async Task<Outcome<RelationshipView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var views = await access.ToViewsAsync(access.Readable(actor).Where(r => r.Id == relationshipId), ct);
        return views.Count == 1 ? views[0] : new NotFound("No relationship with this id is visible to you.");
    }
}

/// <summary>The actor's own relationships across programs: open ones first, then history, newest first.</summary>
public sealed class ListMyRelationships(TandemDb db, RelationshipAccess access, TimeProvider clock)
{
    public async Task<Paged<RelationshipView>> RunAsync(Actor actor, RelationshipListQuery query, CancellationToken ct = default)
    {
        var page = PageRequest.Clamp(query.Page, query.PageSize);
        var mine = db.Set<Relationship>().Where(r => r.Members.Any(m => m.UserId == actor.UserId));
        if (query.Status is { } status)
        {
            mine = mine.Where(r => r.Status == status);
        }
        var total = await mine.CountAsync(ct);
        var items = await access.ToViewsAsync(mine
            .OrderBy(r => r.Status == RelationshipStatus.Active ? 0 : r.Status == RelationshipStatus.Paused ? 1 : 2)
            .ThenByDescending(r => r.CreatedAt).ThenBy(r => r.Id)
            .Page(page), ct);
        var ids = items.Select(r => r.Id).ToList();
        var programIds = items.Select(r => r.ProgramId).Distinct().ToList();
        var answers = await db.Set<FitCheckAnswer>().Where(a => ids.Contains(a.RelationshipId) && a.UserId == actor.UserId)
            .ToDictionaryAsync(a => a.RelationshipId, a => a.Answer, ct);
        var delays = await db.Set<ProgramSelfMatchSettings>().Where(s => programIds.Contains(s.ProgramId))
            .ToDictionaryAsync(s => s.ProgramId, s => s.FitCheckAfterDays, ct);
        var held = await MeetingsHeld.CountAsync(db, ids, ct);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        items = items.Select(r =>
        {
            var opensOn = r.StartsOn.AddDays(delays.GetValueOrDefault(r.ProgramId, ProgramSelfMatchSettings.DefaultFitCheckAfterDays));
            return r with
            {
                FitCheckOpensOn = opensOn,
                FitCheckOpen = FitCheckOpening.IsOpen(opensOn, today, held.GetValueOrDefault(r.Id)),
                MyFitAnswer = answers.TryGetValue(r.Id, out var a) ? a : null,
            };
        }).ToList();
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
