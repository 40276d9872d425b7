using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Resources;

/// <summary>
/// Coordinators build the library (ADR 64): links (https only, labelled by where they go), files (checked by
/// AttachmentPolicy and then against their name and declared type, so an extension that lies is refused with 422 and
/// nothing is stored) and Markdown guides, for a program or for the whole organisation; they change and delete them and
/// attach them to training modules, goals and events. Everyone else who can see the library gets 403; anyone who cannot, 404.
/// </summary>
public sealed class ManageResources(TandemDb db, ResourceAccess access, FileStore files, IEnumerable<IResourceTarget> targets, TimeProvider clock)
{
    public const int MaxPerLibrary = 2000;
    public const string NoAudience = "The audience is Everyone, Mentors or Mentees.";
    public const string NoTargetKind = "Resources attach to a TrainingModule, Goal or Event.";

    /// <summary>The program's library when the actor manages it: 404 when they cannot see the program, 403 when they only read it.</summary>
    public async Task<Outcome<ResourceReader>> ProgramLibraryAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        var reader = await access.ProgramReaderAsync(actor, programId, ct);
        return reader is null ? new NotFound("No program with this id is visible to you.")
            : reader.CanManage ? reader : new Forbidden(ResourceAccess.OnlyCoordinators);
    }

    /// <summary>The organisation's own library when the actor manages it (its coordinators, administrators).</summary>
    public async Task<Outcome<ResourceReader>> OrganisationLibraryAsync(Actor actor, Guid organisationId, CancellationToken ct = default)
    {
        if (await OrganisationAccess.CheckManagerAsync(db, actor, organisationId, ct) is { } failure)
        {
            return failure is Forbidden ? new Forbidden("Only the organisation's coordinators manage its organisation-wide resources.") : failure;
        }
        return (await access.OrganisationReaderAsync(actor, organisationId, ct))!;
    }

    /// <summary>A link or a guide in the library <paramref name="library"/> (from <see cref="ProgramLibraryAsync"/> or <see cref="OrganisationLibraryAsync"/>).</summary>
    public async Task<Outcome<ResourceView>> CreateAsync(Actor actor, ResourceReader library, ResourceRequest request, CancellationToken ct = default)
    {
        if (request.Kind == ResourceKind.File)
        {
            return new ResourceRefused("kind", "A file is sent as a multipart form with the file to …/resources/files.");
        }
        if (!Enum.IsDefined(request.Kind))
        {
            // The page reads the kind with Enum.TryParse, which takes any number: a posted kind=5 was stored.
            return new ResourceRefused("kind", "A resource is a Link or a Guide (a File is uploaded).");
        }
        if (await FullAsync(library, ct) is { } full)
        {
            return full;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var resource = Resource.Create(library.OrganisationId, library.ProgramId, request.Kind, actor.UserId, now);
        if (Apply(resource, new ChangeResourceRequest(request.Title, request.Description, request.Url, request.Body, request.Tags, request.Audience), now) is { } refused)
        {
            return refused;
        }
        db.Add(resource);
        await db.SaveChangesAsync(ct);
        return ResourceViews.Of(resource, withBody: true);
    }

    /// <summary>A file resource: the file and its row written in one save, or neither.</summary>
    public async Task<Outcome<ResourceView>> CreateFileAsync(Actor actor, ResourceReader library, ResourceFileFields fields, IncomingFile file, CancellationToken ct = default)
    {
        if (await FullAsync(library, ct) is { } full)
        {
            return full;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var resource = Resource.Create(library.OrganisationId, library.ProgramId, ResourceKind.File, actor.UserId, now);
        if (Apply(resource, new ChangeResourceRequest(fields.Title, fields.Description, null, null, fields.Tags, fields.Audience), now) is { } refused)
        {
            return refused;
        }
        var read = await AttachmentPolicy.ReadAsync(file, ct);
        if (read.Failure is { } unreadable)
        {
            // Bytes that are none of the allowed types (a program named guide.pdf) are refused like a name that lies.
            return unreadable is Invalid invalid ? new ResourceRefused("file", invalid.Detail) : unreadable;
        }
        var upload = read.Value!;
        if (AttachmentPolicy.Mismatch(upload, file.ContentType) is { } lying)
        {
            return new ResourceRefused("file", lying);
        }
        var stored = files.Add("resources", upload.Content, now);
        resource.Hold(stored.Key, upload.Name, upload.ContentType, upload.Content.LongLength);
        db.Add(resource);
        await db.SaveChangesAsync(ct);
        return ResourceViews.Of(resource, withBody: true);
    }

    public async Task<Outcome<ResourceView>> UpdateAsync(Actor actor, Guid resourceId, ChangeResourceRequest request, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, resourceId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var resource = found.Value.Resource;
        if (Apply(resource, request, clock.GetUtcNow().UtcDateTime) is { } refused)
        {
            return refused;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // Deleted since it was read (another tab, another coordinator): there is nothing left to change.
            return new NotFound(ResourceAccess.NoResource);
        }
        return ResourceViews.Of(resource, withBody: true);
    }

    /// <summary>Deletes the resource with its file and its attachments, in one transaction; 404 when it is already gone, however recently.</summary>
    public async Task<Failure?> DeleteAsync(Actor actor, Guid resourceId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, resourceId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var resource = found.Value.Resource;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (resource.FileKey is { } key)
        {
            await db.Set<StoredFile>().Where(f => f.Key == key).ExecuteDeleteAsync(ct);
        }
        await db.Set<ResourceAttachment>().Where(a => a.ResourceId == resourceId).ExecuteDeleteAsync(ct);
        db.Remove(resource);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            // Deleted by another request since it was read (a double click): answered as a repeated delete is, 404.
            return new NotFound(ResourceAccess.NoResource);
        }
        await transaction.CommitAsync(ct);
        return null;
    }

    /// <summary>
    /// Attaches the resource to a module, goal or event of its program (an organisation's resource: of any of its programs)
    /// that the actor manages; attaching twice is no change.
    /// </summary>
    public async Task<Failure?> AttachAsync(Actor actor, Guid resourceId, AttachResourceRequest request, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(request.TargetKind))
        {
            // A number no kind has (the API's JSON) is refused, not answered as a target not found (ADR 129).
            return Invalid.Field("targetKind", NoTargetKind);
        }
        var found = await access.FindManagedAsync(actor, resourceId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var resource = found.Value.Resource;
        var target = targets.SingleOrDefault(t => t.Kind == request.TargetKind);
        var programId = target is null ? null : await target.VisibleProgramAsync(actor, request.TargetId, ct);
        var program = programId is { } id ? await access.ProgramReaderAsync(actor, id, ct) : null;
        if (program is null)
        {
            return new NotFound($"No {TargetName(request.TargetKind)} with this id is visible to you.");
        }
        if (!program.CanManage)
        {
            return new Forbidden("Only the program's coordinators attach resources.");
        }
        if (resource.ProgramId is { } own ? own != program.ProgramId : resource.OrganisationId != program.OrganisationId)
        {
            return new Conflict($"This resource belongs to another program; attach it to a {TargetName(request.TargetKind)} of its own.");
        }
        if (await db.Set<ResourceAttachment>().AnyAsync(a => a.ResourceId == resourceId && a.TargetKind == request.TargetKind && a.TargetId == request.TargetId, ct))
        {
            return null;
        }
        db.Add(new ResourceAttachment(resourceId, request.TargetKind, request.TargetId, actor.UserId, clock.GetUtcNow().UtcDateTime));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Attached at the same moment by another request: the same result.
            db.ChangeTracker.Clear();
        }
        catch (DbUpdateException e) when (e.IsForeignKeyViolation())
        {
            // The resource was deleted since it was read (ADR 94): there is nothing left to attach.
            db.ChangeTracker.Clear();
            return new NotFound(ResourceAccess.NoResource);
        }
        return null;
    }

    public async Task<Failure?> DetachAsync(Actor actor, Guid resourceId, ResourceTargetKind kind, Guid targetId, CancellationToken ct = default)
    {
        var found = await access.FindManagedAsync(actor, resourceId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var removed = await db.Set<ResourceAttachment>().Where(a => a.ResourceId == resourceId && a.TargetKind == kind && a.TargetId == targetId).ExecuteDeleteAsync(ct);
        return removed == 0 ? new NotFound($"This resource is not attached to that {TargetName(kind)}.") : null;
    }

    public static string TargetName(ResourceTargetKind kind) => kind switch
    {
        ResourceTargetKind.TrainingModule => "training module",
        ResourceTargetKind.Goal => "goal",
        _ => "event",
    };

    private async Task<Failure?> FullAsync(ResourceReader library, CancellationToken ct) =>
        await db.Set<Resource>().CountAsync(r => r.OrganisationId == library.OrganisationId && r.ProgramId == library.ProgramId, ct) >= MaxPerLibrary
            ? new Conflict($"A library holds at most {MaxPerLibrary:N0} resources; delete some first.")
            : null;

    /// <summary>Checks and applies the fields; the failure to show (422 for a link or text that cannot be kept) or null.</summary>
    private static Failure? Apply(Resource resource, ChangeResourceRequest request, DateTime now)
    {
        var title = (request.Title ?? "").Trim();
        if (title.Length is 0 or > Resource.TitleMax)
        {
            return new ResourceRefused("title", $"Give the resource a title of 1 to {Resource.TitleMax} characters.");
        }
        var description = (request.Description ?? "").Replace("\r\n", "\n").Trim();
        if (description.Length > Resource.DescriptionMax)
        {
            return new ResourceRefused("description", $"A description is at most {Resource.DescriptionMax:N0} characters.");
        }
        var audience = request.Audience ?? resource.Audience;
        if (!Enum.IsDefined(audience))
        {
            return new ResourceRefused("audience", NoAudience);
        }
        var (tags, tagProblem) = Resource.NormaliseTags(request.Tags);
        if (tagProblem is not null)
        {
            return new ResourceRefused("tags", tagProblem);
        }
        switch (resource.Kind)
        {
            case ResourceKind.Link:
                var url = (request.Url ?? "").Trim();
                // The address is kept written out in full (AbsoluteUri), where a space or a letter outside ASCII becomes
                // %-codes of three to twelve characters: it is that form that must fit the column, not what was typed.
                if (url.Length > Resource.UrlMax || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.Host.Length == 0
                    || uri.AbsoluteUri.Length > Resource.UrlMax)
                {
                    return new ResourceRefused("url", $"A link is an https:// address of at most {Resource.UrlMax:N0} characters once written out in full (a space or a letter outside English becomes a %-code of three to twelve).");
                }
                resource.PointTo(uri.AbsoluteUri, LinkSources.Of(uri));
                break;
            case ResourceKind.Guide:
                var body = (request.Body ?? "").Replace("\r\n", "\n").Trim();
                if (body.Length is 0 or > Resource.BodyMax)
                {
                    return new ResourceRefused("body", $"Write the guide: 1 to {Resource.BodyMax:N0} characters of Markdown.");
                }
                resource.Write(body);
                break;
        }
        resource.Describe(title, description, tags, audience, now);
        return null;
    }
}

/// <summary>Where a link goes, from its host (and for Moodle and Canvas, the shape of its path): a label for readers.</summary>
public static class LinkSources
{
    public static LinkSource Of(Uri uri)
    {
        var host = uri.Host.ToLowerInvariant();
        var path = uri.AbsolutePath.ToLowerInvariant();
        bool Is(string domain) => host == domain || host.EndsWith("." + domain, StringComparison.Ordinal);
        if (host == "docs.google.com") return LinkSource.GoogleDocs;
        if (host == "drive.google.com") return LinkSource.GoogleDrive;
        if (Is("youtube.com") || host == "youtu.be" || Is("youtube-nocookie.com")) return LinkSource.YouTube;
        if (Is("vimeo.com")) return LinkSource.Vimeo;
        if (Is("instructure.com") || host.StartsWith("canvas.", StringComparison.Ordinal) || path.StartsWith("/courses/", StringComparison.Ordinal)) return LinkSource.Canvas;
        if (Is("moodlecloud.com") || host.StartsWith("moodle.", StringComparison.Ordinal) || path.Contains("/course/view.php", StringComparison.Ordinal) || path.Contains("/mod/", StringComparison.Ordinal)) return LinkSource.Moodle;
        return LinkSource.Web;
    }

    public static string Label(LinkSource source) => source switch
    {
        LinkSource.GoogleDocs => "Google Docs",
        LinkSource.GoogleDrive => "Google Drive",
        LinkSource.Moodle => "Moodle course",
        LinkSource.Canvas => "Canvas course",
        LinkSource.YouTube => "YouTube video",
        LinkSource.Vimeo => "Vimeo video",
        _ => "Web page",
    };
}
