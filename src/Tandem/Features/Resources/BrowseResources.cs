using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Infrastructure.Text;

namespace Tandem.Features.Resources;

/// <summary>A resource's file, opened for reading, with the name and type it is served under.</summary>
public sealed record ResourceFile(string Name, string ContentType, Stream Content);

/// <summary>
/// Reading the library (ADR 64): a program's resources and its organisation's, of the reader's audience (coordinators and
/// staff: all), newest first, found by words in the title, description and tags and by one tag, paged in the query; one
/// resource, its file, and the resources attached to a module, goal or event the reader sees. Anything else: 404.
/// </summary>
public sealed class BrowseResources(TandemDb db, ResourceAccess access, FileStore files, IEnumerable<IResourceTarget> targets)
{
    public const int MaxWords = 5;
    public const int WordMax = 50;
    public const int MaxAttached = 50;

    public async Task<Outcome<Paged<ResourceView>>> ListAsync(Actor actor, Guid programId, string? words, string? tag, int page, int pageSize, CancellationToken ct = default)
    {
        var reader = await access.ProgramReaderAsync(actor, programId, ct);
        if (reader is null)
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var organisationId = reader.OrganisationId;
        var audiences = reader.Audiences;
        var resources = db.Set<Resource>().Where(r => r.OrganisationId == organisationId && (r.ProgramId == programId || r.ProgramId == null) && audiences.Contains(r.Audience));
        return await PageAsync(resources, words, tag, page, pageSize, ct);
    }

    /// <summary>The organisation's own resources, for those who manage them.</summary>
    public async Task<Outcome<Paged<ResourceView>>> ListOrganisationAsync(Actor actor, Guid organisationId, string? words, string? tag, int page, int pageSize, CancellationToken ct = default)
    {
        var reader = await access.OrganisationReaderAsync(actor, organisationId, ct);
        if (reader is null)
        {
            return new NotFound("No such organisation.");
        }
        if (!reader.CanManage)
        {
            return new Forbidden("Only the organisation's coordinators list its organisation-wide resources; participants find them in their program's library.");
        }
        return await PageAsync(db.Set<Resource>().Where(r => r.OrganisationId == organisationId && r.ProgramId == null), words, tag, page, pageSize, ct);
    }

    public async Task<Outcome<ResourceView>> GetAsync(Actor actor, Guid resourceId, CancellationToken ct = default)
    {
        var found = await access.FindReadableAsync(actor, resourceId, ct);
        return found.Failure is { } failure ? failure : ResourceViews.Of(found.Value.Resource, withBody: true);
    }

    /// <summary>The resource's file, for those in its audience (404 for anyone else, whatever program they are in).</summary>
    public async Task<Outcome<ResourceFile>> FileAsync(Actor actor, Guid resourceId, CancellationToken ct = default)
    {
        var found = await access.FindReadableAsync(actor, resourceId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var resource = found.Value.Resource;
        var content = resource.FileKey is { } key ? await files.OpenAsync(key, ct) : null;
        return content is null
            ? new NotFound("This resource has no file.")
            : new ResourceFile(resource.FileName!, resource.FileContentType!, content);
    }

    /// <summary>The resources attached to a module, goal or event, when the reader sees it, of the reader's audience in its program.</summary>
    public async Task<Outcome<IReadOnlyList<ResourceView>>> AttachedAsync(Actor actor, ResourceTargetKind kind, Guid targetId, CancellationToken ct = default)
    {
        var target = targets.SingleOrDefault(t => t.Kind == kind);
        var programId = target is null ? null : await target.VisibleProgramAsync(actor, targetId, ct);
        var reader = programId is { } id ? await access.ProgramReaderAsync(actor, id, ct) : null;
        if (reader is null)
        {
            return new NotFound($"No {ManageResources.TargetName(kind)} with this id is visible to you.");
        }
        var organisationId = reader.OrganisationId;
        var audiences = reader.Audiences;
        var resources = await db.Set<ResourceAttachment>().Where(a => a.TargetKind == kind && a.TargetId == targetId)
            .Join(db.Set<Resource>(), a => a.ResourceId, r => r.Id, (a, r) => r)
            .Where(r => r.OrganisationId == organisationId && (r.ProgramId == programId || r.ProgramId == null) && audiences.Contains(r.Audience))
            .OrderBy(r => r.Title).ThenBy(r => r.Id).Take(MaxAttached).AsNoTracking().ToListAsync(ct);
        return resources.Select(r => ResourceViews.Of(r, withBody: false)).ToList();
    }

    /// <summary>
    /// The resources attached to each of a page of targets of one program that the page already shows the reader (a list of
    /// events, a pair's goals), of the reader's audience, read at once: at most <see cref="PageRequest.MaxPageSize"/> targets.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<ResourceView>>> AttachedToAsync(Actor actor, Guid programId, ResourceTargetKind kind,
        IReadOnlyCollection<Guid> shown, CancellationToken ct = default)
    {
        var reader = await access.ProgramReaderAsync(actor, programId, ct);
        if (reader is null || shown.Count == 0)
        {
            return new Dictionary<Guid, IReadOnlyList<ResourceView>>();
        }
        var ids = shown.Take(PageRequest.MaxPageSize).ToList();
        var organisationId = reader.OrganisationId;
        var audiences = reader.Audiences;
        var rows = await db.Set<ResourceAttachment>().Where(a => a.TargetKind == kind && ids.Contains(a.TargetId))
            .Join(db.Set<Resource>(), a => a.ResourceId, r => r.Id, (a, r) => new { a.TargetId, Resource = r })
            .Where(x => x.Resource.OrganisationId == organisationId && (x.Resource.ProgramId == programId || x.Resource.ProgramId == null) && audiences.Contains(x.Resource.Audience))
            .OrderBy(x => x.Resource.Title).Take(MaxAttached * 4).AsNoTracking().ToListAsync(ct);
        return rows.GroupBy(x => x.TargetId).ToDictionary(g => g.Key, g => (IReadOnlyList<ResourceView>)g.Select(x => ResourceViews.Of(x.Resource, withBody: false)).Take(MaxAttached).ToList());
    }

    /// <summary>The programs whose library the reader reads (those they take part in), by name.</summary>
    public async Task<IReadOnlyList<ResourceLibrary>> MyLibrariesAsync(Actor actor, CancellationToken ct = default) =>
        await db.Enrolments.Where(e => e.UserId == actor.UserId)
            .Join(db.Programs, e => e.ProgramId, p => p.Id, (e, p) => new { p.Id, p.Name })
            .Distinct().OrderBy(p => p.Name).Take(50).Select(p => new ResourceLibrary(p.Id, p.Name)).ToListAsync(ct);

    /// <summary>The words a search matches: lower case, at most <see cref="MaxWords"/>, each cut at <see cref="WordMax"/> UTF-16 units between two characters (half an emoji is a 500 on PostgreSQL, ADR 113).</summary>
    public static IReadOnlyList<string> Words(string? words) =>
        (words ?? "").ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => WholeCharacters.Within(w, WordMax)).Distinct().Take(MaxWords).ToList();

    private static async Task<Outcome<Paged<ResourceView>>> PageAsync(IQueryable<Resource> resources, string? words, string? tag, int page, int pageSize, CancellationToken ct)
    {
        foreach (var word in Words(words))
        {
            // Every word must appear somewhere in the title, description or tags; % and _ in a word are only themselves.
            var pattern = "%" + word.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            resources = resources.Where(r => EF.Functions.Like(r.SearchText, pattern, @"\"));
        }
        if (!string.IsNullOrWhiteSpace(tag))
        {
            var wanted = Resource.NormaliseTag(tag);
            if (wanted is null || wanted.Length > Resource.TagMax)
            {
                return new Paged<ResourceView>([], Math.Max(1, page), pageSize, 0);
            }
            var match = " " + wanted + " ";
            resources = resources.Where(r => r.TagsText.Contains(match));
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var items = await resources.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Page(paging)
            .Select(ResourceViews.Listed).AsNoTracking().ToListAsync(ct);
        var total = await paging.TotalAsync(resources, items.Count, ct);
        return paging.Of(items.Select(ResourceViews.Of).ToList(), total);
    }
}

/// <summary>Resources as their readers see them.</summary>
internal static class ResourceViews
{
    /// <summary>A row of a list: everything but a guide's text (read it on the resource itself).</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Resource, ListedResource>> Listed = r => new ListedResource(r.Id, r.OrganisationId, r.ProgramId,
        r.Kind, r.Title, r.Description, r.TagsText, r.Audience, r.Url, r.Source, r.FileName, r.FileContentType, r.FileSize, r.CreatedAt, r.UpdatedAt);

    public sealed record ListedResource(Guid Id, Guid OrganisationId, Guid? ProgramId, ResourceKind Kind, string Title, string Description, string TagsText,
        ResourceAudience Audience, string? Url, LinkSource? Source, string? FileName, string? FileContentType, long? FileSize, DateTime CreatedAt, DateTime UpdatedAt);

    public static ResourceView Of(ListedResource r) => new(r.Id, r.OrganisationId, r.ProgramId, r.Kind, r.Title, r.Description,
        r.TagsText.Split(' ', StringSplitOptions.RemoveEmptyEntries), r.Audience, r.Url, r.Source, null, FileOf(r.Id, r.FileName, r.FileContentType, r.FileSize),
        r.CreatedAt, r.UpdatedAt);

    public static ResourceView Of(Resource r, bool withBody) => new(r.Id, r.OrganisationId, r.ProgramId, r.Kind, r.Title, r.Description, r.Tags(), r.Audience,
        r.Url, r.Source, withBody ? r.Body : null, FileOf(r.Id, r.FileName, r.FileContentType, r.FileSize), r.CreatedAt, r.UpdatedAt);

    public static string FileUrl(Guid id) => $"/api/v1/resources/{id}/file";

    private static ResourceFileView? FileOf(Guid id, string? name, string? type, long? size) =>
        name is null ? null : new ResourceFileView(name, type!, size ?? 0, FileUrl(id));
}
