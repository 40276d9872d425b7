using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Resources;

/// <summary>Who reads a library (a program's, or an organisation's): the audiences they are in and whether they manage it.</summary>
public sealed record ResourceReader(Guid OrganisationId, Guid? ProgramId, string Name, bool CanManage, bool ReadsAll, ResourceAudience[] Audiences);

/// <summary>
/// Who sees and who manages resources (ADR 64). A program's library (its own resources and its organisation's) is read by
/// the program's people: participants the resources of their audience, staff and coordinators all of them; it is managed
/// by those who manage the program. An organisation's own resources are managed by its coordinators and administrators.
/// Anyone else finds nothing (404), whatever the id.
/// </summary>
public sealed class ResourceAccess(TandemDb db, ProgramAccess programs)
{
    public const string NoResource = "No resource with this id is available to you.";
    public const string OnlyCoordinators = "Only the program's coordinators manage its resources.";

    /// <summary>The program's library as the actor reads it; null when the program is not visible to them.</summary>
    public async Task<ResourceReader?> ProgramReaderAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var program = await programs.Visible(actor).Where(p => p.Id == programId)
            .Select(p => new { p.OrganisationId, p.Name, Roles = p.Enrolments.Where(e => e.UserId == actor.UserId).Select(e => e.Role).ToList() })
            .SingleOrDefaultAsync(ct);
        if (program is null)
        {
            return null;
        }
        var canManage = await programs.Visible(actor).Where(p => p.Id == programId).Where(programs.Manageable(actor)).AnyAsync(ct);
        var readsAll = canManage || program.Roles.Any(Enrolment.IsStaffRole);
        return new ResourceReader(program.OrganisationId, programId, program.Name, canManage, readsAll,
            readsAll ? Enum.GetValues<ResourceAudience>() : Resource.AudiencesFor(program.Roles));
    }

    /// <summary>
    /// An organisation's own resources as the actor reads them: its coordinators (and administrators) manage them, its
    /// programs' staff read them all, their participants by their roles in any of its programs; null for anyone else.
    /// </summary>
    public async Task<ResourceReader?> OrganisationReaderAsync(Actor actor, Guid organisationId, CancellationToken ct = default)
    {
        var organisation = await db.Organisations.Where(o => o.Id == organisationId).Select(o => new { o.Name }).SingleOrDefaultAsync(ct);
        if (organisation is null)
        {
            return null;
        }
        var canManage = actor.IsAdministrator || await db.OrganisationMemberships
            .AnyAsync(m => m.OrganisationId == organisationId && m.UserId == actor.UserId && m.Role == OrganisationRole.Coordinator, ct);
        var roles = await db.Enrolments.Where(e => e.UserId == actor.UserId && db.Programs.Any(p => p.Id == e.ProgramId && p.OrganisationId == organisationId))
            .Select(e => e.Role).Distinct().ToListAsync(ct);
        if (!canManage && roles.Count == 0)
        {
            return null;
        }
        var readsAll = canManage || roles.Any(Enrolment.IsStaffRole);
        return new ResourceReader(organisationId, null, organisation.Name, canManage, readsAll,
            readsAll ? Enum.GetValues<ResourceAudience>() : Resource.AudiencesFor(roles));
    }

    /// <summary>The reader of the library the resource belongs to (its program's, or its organisation's).</summary>
    public Task<ResourceReader?> ReaderOfAsync(Actor actor, Resource resource, CancellationToken ct) =>
        resource.ProgramId is { } programId ? ProgramReaderAsync(actor, programId, ct) : OrganisationReaderAsync(actor, resource.OrganisationId, ct);

    /// <summary>The resource when the actor is in its audience (or manages it); 404 otherwise.</summary>
    public async Task<Outcome<(Resource Resource, ResourceReader Reader)>> FindReadableAsync(Actor actor, Guid resourceId, CancellationToken ct, bool tracked = false)
    {
        var query = db.Set<Resource>().Where(r => r.Id == resourceId);
        var resource = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(ct);
        if (resource is null)
        {
            return new NotFound(NoResource);
        }
        var reader = await ReaderOfAsync(actor, resource, ct);
        if (reader is null || !reader.Audiences.Contains(resource.Audience))
        {
            return new NotFound(NoResource);
        }
        return (resource, reader);
    }

    /// <summary>The resource (tracked) when the actor manages it; 403 when they only read it, 404 when they do not.</summary>
    public async Task<Outcome<(Resource Resource, ResourceReader Reader)>> FindManagedAsync(Actor actor, Guid resourceId, CancellationToken ct)
    {
        var found = await FindReadableAsync(actor, resourceId, ct, tracked: true);
        if (found.Failure is not null)
        {
            return found;
        }
        return found.Value.Reader.CanManage ? found : new Forbidden(OnlyCoordinators);
    }
}
