using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Resources;

public enum ResourceKind { Link, File, Guide }

/// <summary>Who a resource is for; coordinators and program staff always see every resource.</summary>
public enum ResourceAudience { Everyone, Mentors, Mentees }

/// <summary>Where a link goes, read from its host when it is saved: a display hint only, never a permission.</summary>
public enum LinkSource { Web, GoogleDocs, GoogleDrive, Moodle, Canvas, YouTube, Vimeo }

/// <summary>What a resource can be attached to.</summary>
public enum ResourceTargetKind { TrainingModule, Goal, Event }

/// <summary>
/// One item of the resource library (ADR 64): a link, an uploaded file (its bytes in the file store under
/// <see cref="FileKey"/>, never in this row) or a Markdown guide, for an organisation (no <see cref="ProgramId"/>) or one
/// of its programs, with tags and an audience by role. <see cref="SearchText"/> is the lower-case title, description and
/// tags that a search matches words against.
/// </summary>
public sealed partial class Resource
{
    public const int TitleMax = 200;
    public const int DescriptionMax = 2000;
    public const int UrlMax = 2000;
    public const int BodyMax = 50_000;
    public const int TagMax = 30;
    public const int TagsMax = 10;
    public const int TagsTextMax = (TagMax + 1) * TagsMax + 1;
    public const int SearchTextMax = TitleMax + DescriptionMax + TagsTextMax + 2;

    private Resource() { }

    private Resource(Guid organisationId, Guid? programId, ResourceKind kind, Guid createdBy, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        ProgramId = programId;
        Kind = kind;
        CreatedByUserId = createdBy;
        CreatedAt = at;
        UpdatedAt = at;
    }

    public static Resource Create(Guid organisationId, Guid? programId, ResourceKind kind, Guid createdBy, DateTime at) => new(organisationId, programId, kind, createdBy, at);

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    /// <summary>Null for an organisation-wide resource, seen in every program of the organisation.</summary>
    public Guid? ProgramId { get; private set; }
    public ResourceKind Kind { get; private set; }
    public string Title { get; private set; } = "";
    public string Description { get; private set; } = "";
    public ResourceAudience Audience { get; private set; }
    /// <summary>The tags as " a b c ": a tag filter is a match of " tag " in the text.</summary>
    public string TagsText { get; private set; } = " ";
    public string SearchText { get; private set; } = "";
    public string? Url { get; private set; }
    public LinkSource? Source { get; private set; }
    public string? Body { get; private set; }
    public string? FileKey { get; private set; }
    public string? FileName { get; private set; }
    public string? FileContentType { get; private set; }
    public long? FileSize { get; private set; }
    /// <summary>Who added it: kept for the coordinators' audit of the library, never shown to participants (ADR 64).</summary>
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<string> Tags() => TagsText.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public void Describe(string title, string description, IReadOnlyList<string> tags, ResourceAudience audience, DateTime at)
    {
        Title = title;
        Description = description;
        Audience = audience;
        TagsText = " " + string.Join(' ', tags) + (tags.Count > 0 ? " " : "");
        SearchText = $"{title} {description} {string.Join(' ', tags)}".ToLowerInvariant();
        UpdatedAt = at;
    }

    public void PointTo(string url, LinkSource source)
    {
        Url = url;
        Source = source;
    }

    public void Write(string body) => Body = body;

    public void Hold(string key, string name, string contentType, long size)
    {
        FileKey = key;
        FileName = name;
        FileContentType = contentType;
        FileSize = size;
    }

    public static ProgramRole[] RolesOf(ResourceAudience audience) => audience switch
    {
        ResourceAudience.Mentors => [ProgramRole.Mentor, ProgramRole.Peer],
        ResourceAudience.Mentees => [ProgramRole.Mentee, ProgramRole.Peer],
        _ => [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer],
    };

    public static ResourceAudience[] AudiencesFor(IReadOnlyCollection<ProgramRole> roles) =>
        Enum.GetValues<ResourceAudience>().Where(a => RolesOf(a).Any(roles.Contains)).ToArray();

    /// <summary>
    /// Tags as stored: lower case, spaces and underscores made hyphens, letters, digits and hyphens only, each 1 to
    /// <see cref="TagMax"/> characters, no repeats, at most <see cref="TagsMax"/>; null with the reason when one cannot be.
    /// </summary>
    public static (IReadOnlyList<string> Tags, string? Problem) NormaliseTags(IEnumerable<string?>? tags)
    {
        var result = new List<string>();
        foreach (var raw in tags ?? [])
        {
            var tag = NormaliseTag(raw);
            if (tag is null)
            {
                continue;
            }
            if (tag.Length > TagMax)
            {
                return ([], $"A tag is at most {TagMax} characters: “{tag}”.");
            }
            if (!result.Contains(tag))
            {
                result.Add(tag);
            }
        }
        return result.Count > TagsMax ? ([], $"A resource has at most {TagsMax} tags.") : (result, null);
    }

    /// <summary>One tag as stored, or null when nothing of it is left.</summary>
    public static string? NormaliseTag(string? raw)
    {
        var tag = TagSpaces().Replace((raw ?? "").Trim().TrimStart('#').ToLowerInvariant(), "-");
        tag = new string(tag.Where(c => char.IsLetterOrDigit(c) || c == '-').ToArray()).Trim('-');
        return tag.Length == 0 ? null : tag;
    }

    [GeneratedRegex(@"[\s_]+")]
    private static partial Regex TagSpaces();
}

/// <summary>A resource attached to a training module, a goal or an event: shown there to those who see both (ADR 64).</summary>
public sealed class ResourceAttachment
{
    private ResourceAttachment() { }

    public ResourceAttachment(Guid resourceId, ResourceTargetKind targetKind, Guid targetId, Guid attachedBy, DateTime at)
    {
        ResourceId = resourceId;
        TargetKind = targetKind;
        TargetId = targetId;
        AttachedByUserId = attachedBy;
        AttachedAt = at;
    }

    public Guid ResourceId { get; private set; }
    public ResourceTargetKind TargetKind { get; private set; }
    public Guid TargetId { get; private set; }
    public Guid AttachedByUserId { get; private set; }
    public DateTime AttachedAt { get; private set; }
}

internal sealed class ResourceConfiguration : IEntityTypeConfiguration<Resource>, IEntityTypeConfiguration<ResourceAttachment>
{
    public void Configure(EntityTypeBuilder<Resource> resource)
    {
        resource.ToTable("Resources");
        resource.HasKey(r => r.Id);
        resource.Property(r => r.Kind).HasConversion<string>().HasMaxLength(10);
        resource.Property(r => r.Audience).HasConversion<string>().HasMaxLength(10);
        resource.Property(r => r.Source).HasConversion<string>().HasMaxLength(20);
        resource.Property(r => r.Title).HasMaxLength(Resource.TitleMax);
        resource.Property(r => r.Description).HasMaxLength(Resource.DescriptionMax);
        resource.Property(r => r.TagsText).HasMaxLength(Resource.TagsTextMax);
        resource.Property(r => r.SearchText).HasMaxLength(Resource.SearchTextMax);
        resource.Property(r => r.Url).HasMaxLength(Resource.UrlMax);
        resource.Property(r => r.Body).HasMaxLength(Resource.BodyMax);
        resource.Property(r => r.FileKey).HasMaxLength(100);
        resource.Property(r => r.FileName).HasMaxLength(200);
        resource.Property(r => r.FileContentType).HasMaxLength(100);
        resource.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        resource.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        // A program's list (its own and its organisation's), newest first, is read from this index before any word is matched.
        resource.HasIndex(r => new { r.OrganisationId, r.ProgramId, r.CreatedAt });
        resource.HasIndex(r => new { r.ProgramId, r.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<ResourceAttachment> attachment)
    {
        attachment.ToTable("ResourceAttachments");
        attachment.HasKey(a => new { a.ResourceId, a.TargetKind, a.TargetId });
        attachment.Property(a => a.TargetKind).HasConversion<string>().HasMaxLength(20);
        attachment.HasOne<Resource>().WithMany().HasForeignKey(a => a.ResourceId).OnDelete(DeleteBehavior.Cascade);
        attachment.HasIndex(a => new { a.TargetKind, a.TargetId });
    }
}
