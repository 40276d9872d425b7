using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.CheckIns;

/// <summary>A relationship's check-ins, newest first, for its members and the program's coordinators.</summary>
public sealed class ListCheckIns(TandemDb db, RelationshipAccess relationships, Privacy.AuditLog audit)
{
    public async Task<Outcome<Paged<CheckInView>>> RunAsync(Actor actor, Guid relationshipId, int page, int pageSize, CancellationToken ct = default)
    {
        var relationship = await relationships.FindReadableAsync(actor, relationshipId, ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var items = await Page(db, relationshipId, paging.Skip, paging.PageSize).ToListAsync(ct);
        if (!relationship.IsMember)
        {
            // Staff reading a pair's check-ins read about every member, whoever wrote them (a mentor writes about the
            // minor they mentor), so each minor member is logged, and any author no longer a member. Members reading
            // their own relationship's are not.
            var members = await db.Set<RelationshipMember>().AsNoTracking().Where(m => m.RelationshipId == relationshipId).Select(m => m.UserId).ToListAsync(ct);
            await audit.RecordAsync(actor, members.Concat(items.Select(i => i.AuthorUserId)).ToList(), Privacy.AuditRecord.CheckIns, relationshipId, relationship.ProgramId,
                "Reading a relationship's check-ins", ct);
        }
        return paging.Of(items, paging.KnownTotal(items.Count) ?? await Count(db, relationshipId, ct));
    }

    /// <summary>The page and its count, compiled once (issue 17, ADR 67): a pair's check-ins are read on every visit to its page.</summary>
    private static readonly Func<TandemDb, Guid, int, int, IAsyncEnumerable<CheckInView>> Page =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId, int skip, int take) => db.Set<CheckIn>()
            .Where(c => c.RelationshipId == relationshipId)
            .OrderByDescending(c => c.OccurredAt).ThenByDescending(c => c.Id)
            .Skip(skip).Take(take)
            .Join(db.Users, c => c.AuthorUserId, u => u.Id, (c, u) => new CheckInView(
                c.Id, c.RelationshipId, c.MeetingId, c.AuthorUserId, u.DisplayName, c.Happened, c.Topics, c.Progress,
                c.Challenges, c.NextSteps, c.Rating, c.OccurredAt, c.CreatedAt, c.UpdatedAt)));

    private static readonly Func<TandemDb, Guid, CancellationToken, Task<int>> Count =
        EF.CompileAsyncQuery((TandemDb db, Guid relationshipId, CancellationToken ct) => db.Set<CheckIn>().Count(c => c.RelationshipId == relationshipId));
}
