using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Figures;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Relationships;

/// <summary>
/// A program's relationships for its coordinators, filtered by status or poor fit, one page at a time. A page is a read of
/// the people on it (ADR 124 item 6: match explanations, end reasons), written to the audit log once per page for the
/// minors among them (ADR 126).
/// </summary>
public sealed class ListProgramRelationships(TandemDb db, ProgramAccess programs, RelationshipAccess access, KeptFigures figures, Privacy.AuditLog audit,
    IServiceProvider services)
{
    public const string AuditPurpose = "Listing the program's relationships";

    public async Task<Outcome<Paged<RelationshipView>>> RunAsync(Actor actor, Guid programId, RelationshipListQuery query, CancellationToken ct = default)
    {
        var listed = await WithProgramAsync(actor, programId, query, ct);
        return listed.Failure is { } failure ? failure : listed.Value!.Relationships;
    }

    /// <summary>
    /// The page with the program's name, which the access check has already read: the coordinators' page shows it
    /// without reading the program's details again (issue 17).
    /// </summary>
    public async Task<Outcome<ProgramRelationshipsPage>> WithProgramAsync(Actor actor, Guid programId, RelationshipListQuery query, CancellationToken ct = default)
    {
        var found = await programs.FindManagedAsync(actor, programId, ct, tracked: false);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        // "?status=7" binds as a number: it is no status, not an empty list (nor a kept count per number asked), ADR 126.
        if (query.Status is { } asked && !Enum.IsDefined(asked))
        {
            return Invalid.Field("status", "Ask for Active, Paused, Completed or EndedEarly.");
        }
        var page = PageRequest.Clamp(query.Page, query.PageSize);
        var items = await access.ToViewsAsync(Listed(programId, query)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Page(page), ct);
        await audit.RecordAsync(actor, items.SelectMany(r => r.Members.Select(m => m.UserId)).Distinct().ToList(), Privacy.AuditRecord.Relationship, null,
            programId, AuditPurpose, ct);
        // The page is read now; the total behind the pager is a whole-program count (40,000 pairs in a district), kept for
        // a short while unless the page itself tells it (KeptFigures, ADR 60).
        var total = page.KnownTotal(items.Count)
            ?? await figures.GetAsync("relationships", programId, $"{query.Status}|{query.PoorFitOnly}", services,
                (scope, c) => scope.GetRequiredService<ListProgramRelationships>().Listed(programId, query).CountAsync(c), ct);
        return new ProgramRelationshipsPage(found.Value!.Name, page.Of(items, total));
    }

    /// <summary>The program's relationships the query lists.</summary>
    private IQueryable<Relationship> Listed(Guid programId, RelationshipListQuery query)
    {
        var relationships = db.Set<Relationship>().Where(r => r.ProgramId == programId);
        if (query.Status is { } status)
        {
            relationships = relationships.Where(r => r.Status == status);
        }
        if (query.PoorFitOnly)
        {
            relationships = relationships.Where(r => r.PoorFitFlaggedAt != null);
        }
        return relationships;
    }
}

/// <summary>A page of a program's relationships and the program's name, for the coordinators' page.</summary>
public sealed record ProgramRelationshipsPage(string ProgramName, Paged<RelationshipView> Relationships);
