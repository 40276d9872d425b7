using System.ComponentModel.DataAnnotations;

namespace Tandem.Features.Community;

public sealed class PostAnnouncementRequest
{
    [Required, StringLength(Announcement.TitleMax, MinimumLength = 1)]
    public string Title { get; set; } = "";

    /// <summary>Markdown: paragraphs, # headings, - and 1. lists, **bold**, *italic*, `code`, [links](https://…). No HTML.</summary>
    [Required, StringLength(Announcement.BodyMax, MinimumLength = 1)]
    public string Body { get; set; } = "";

    /// <summary>Everyone (the default), Mentors or Mentees; peers are in both.</summary>
    public AnnouncementAudience Audience { get; set; } = AnnouncementAudience.Everyone;

    /// <summary>Also post it to the program's connected Slack and Teams channels (the default).</summary>
    public bool PostToChannels { get; set; } = true;
}

/// <summary>An announcement as everyone in its audience reads it.</summary>
public sealed record AnnouncementView(Guid Id, Guid ProgramId, string Title, string Body, AnnouncementAudience Audience, string? AuthorName, DateTime PostedAt);
