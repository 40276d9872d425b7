using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Programs;

namespace Tandem.Features.Community;

/// <summary>Who an announcement is for. Peers both mentor and are mentored, so they are in both audiences.</summary>
public enum AnnouncementAudience { Everyone, Mentors, Mentees }

/// <summary>A coordinator's message to a program's participants (all, or its mentors or mentees), written in Markdown.</summary>
public sealed class Announcement
{
    public const int TitleMax = 200;
    public const int BodyMax = 10_000;

    private Announcement() { }

    public Announcement(Guid programId, Guid authorUserId, string title, string body, AnnouncementAudience audience, DateTime postedAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        AuthorUserId = authorUserId;
        Title = title;
        Body = body;
        Audience = audience;
        PostedAt = postedAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid? AuthorUserId { get; private set; }
    public string Title { get; private set; } = "";

    /// <summary>Markdown, shown through SafeMarkdown (ADR 55).</summary>
    public string Body { get; private set; } = "";
    public AnnouncementAudience Audience { get; private set; }
    public DateTime PostedAt { get; private set; }

    /// <summary>The program roles an audience reaches.</summary>
    public static ProgramRole[] RolesOf(AnnouncementAudience audience) => audience switch
    {
        AnnouncementAudience.Mentors => [ProgramRole.Mentor, ProgramRole.Peer],
        AnnouncementAudience.Mentees => [ProgramRole.Mentee, ProgramRole.Peer],
        _ => [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer],
    };

    /// <summary>The audiences a participant with these roles reads.</summary>
    public static AnnouncementAudience[] AudiencesFor(IReadOnlyCollection<ProgramRole> roles) =>
        Enum.GetValues<AnnouncementAudience>().Where(a => RolesOf(a).Any(roles.Contains)).ToArray();
}

internal sealed class AnnouncementConfiguration : IEntityTypeConfiguration<Announcement>
{
    public void Configure(EntityTypeBuilder<Announcement> announcement)
    {
        announcement.ToTable("Announcements");
        announcement.HasKey(a => a.Id);
        announcement.Property(a => a.Title).HasMaxLength(Announcement.TitleMax).IsRequired();
        announcement.Property(a => a.Body).HasMaxLength(Announcement.BodyMax).IsRequired();
        announcement.Property(a => a.Audience).HasConversion<string>().HasMaxLength(20);
        announcement.HasOne<MentorshipProgram>().WithMany().HasForeignKey(a => a.ProgramId).OnDelete(DeleteBehavior.Cascade);
        // Erasing an author keeps the program's announcements (their name goes).
        announcement.HasOne<TandemUser>().WithMany().HasForeignKey(a => a.AuthorUserId).OnDelete(DeleteBehavior.SetNull);
        // The program's list, newest first.
        announcement.HasIndex(a => new { a.ProgramId, a.PostedAt });
    }
}
