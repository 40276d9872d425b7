using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Resources;

/// <summary>A link or a guide (files come as multipart forms to <c>…/resources/files</c>).</summary>
/// <param name="Url">For a link: an https address.</param>
/// <param name="Body">For a guide: its text in Markdown.</param>
/// <param name="Tags">Words to find it by; stored in lower case with hyphens for spaces.</param>
public sealed record ResourceRequest(ResourceKind Kind, string? Title, string? Description = null, string? Url = null, string? Body = null,
    IReadOnlyList<string>? Tags = null, ResourceAudience Audience = ResourceAudience.Everyone);

/// <summary>
/// What a change may replace: the title, description, tags and audience of any resource, a link's address, a guide's text.
/// The audience left out stays as it is: a rename must not open a mentors' guide to everyone.
/// </summary>
public sealed record ChangeResourceRequest(string? Title, string? Description = null, string? Url = null, string? Body = null,
    IReadOnlyList<string>? Tags = null, ResourceAudience? Audience = null);

/// <summary>The fields of a file resource, sent with the file in one multipart form.</summary>
public sealed record ResourceFileFields(string? Title, string? Description, IReadOnlyList<string>? Tags, ResourceAudience Audience);

public sealed record AttachResourceRequest(ResourceTargetKind TargetKind, Guid TargetId);

public sealed record ResourceLibrary(Guid ProgramId, string ProgramName);

public sealed record ResourceFileView(string Name, string ContentType, long Size, string Url);

/// <summary>A resource as anyone in its audience reads it: nothing about who added it.</summary>
public sealed record ResourceView(Guid Id, Guid OrganisationId, Guid? ProgramId, ResourceKind Kind, string Title, string Description,
    IReadOnlyList<string> Tags, ResourceAudience Audience, string? Url, LinkSource? Source, string? Body, ResourceFileView? File,
    DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A resource that cannot be saved as sent (422): an address that is not https, a file whose name or type lies about its bytes.</summary>
public sealed record ResourceRefused(string Field, string Message) : Unprocessable("The resource cannot be saved", Message)
{
    public override string ListName => "errors";

    public override object List => new Dictionary<string, string[]> { [Field] = [Message] };
}
