using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;

namespace Tandem.Features.Meetings;

internal sealed class MeetingConfiguration : IEntityTypeConfiguration<Meeting>
{
    public void Configure(EntityTypeBuilder<Meeting> meeting)
    {
        meeting.ToTable("Meetings");
        meeting.HasKey(m => m.Id);
        meeting.Property(m => m.Mode).HasConversion<string>().HasMaxLength(20);
        meeting.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        meeting.Property(m => m.Place).HasMaxLength(300);
        meeting.Property(m => m.VideoLink).HasMaxLength(500);
        meeting.Property(m => m.Title).HasMaxLength(200);
        meeting.Property(m => m.ResponseNote).HasMaxLength(1000);
        meeting.Ignore(m => m.EndsAt);
        meeting.HasOne<Relationship>().WithMany().HasForeignKey(m => m.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        meeting.HasOne<MentorshipProgram>().WithMany().HasForeignKey(m => m.ProgramId).OnDelete(DeleteBehavior.Restrict);
        meeting.HasOne<TandemUser>().WithMany().HasForeignKey(m => m.ProposedByUserId).OnDelete(DeleteBehavior.Restrict);
        meeting.HasOne<MeetingSeries>().WithMany().HasForeignKey(m => m.SeriesId).OnDelete(DeleteBehavior.Cascade);
        meeting.HasIndex(m => new { m.RelationshipId, m.StartsAt });
        meeting.HasIndex(m => new { m.ProgramId, m.StartsAt });
        // Accepted meetings nobody has checked in about, by program and start: the coordinator's home counts the past
        // ones without touching the program's other meetings (ADR 50). The filter is the same SQL on both providers.
        meeting.HasIndex(m => new { m.ProgramId, m.StartsAt }, "IX_Meetings_NotCheckedIn")
            .HasFilter("\"Status\" = 'Accepted' AND NOT \"CheckedIn\"");
        meeting.HasIndex(m => m.SeriesId);
    }
}

internal sealed class MeetingSeriesConfiguration : IEntityTypeConfiguration<MeetingSeries>
{
    public void Configure(EntityTypeBuilder<MeetingSeries> series)
    {
        series.ToTable("MeetingSeries");
        series.HasKey(s => s.Id);
        series.Property(s => s.TimeZoneId).HasMaxLength(64);
        // A wall-clock time, not an instant: stored as-is, marked UTC only because PostgreSQL's timestamptz insists.
        series.Property(s => s.LocalStart).HasConversion(
            v => DateTime.SpecifyKind(v, DateTimeKind.Utc),
            v => DateTime.SpecifyKind(v, DateTimeKind.Unspecified));
        series.Property(s => s.Cadence).HasConversion<string>().HasMaxLength(20);
        series.Ignore(s => s.RecurrenceRule);
        series.HasOne<MentorshipProgram>().WithMany().HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Restrict);
        series.HasOne<TandemUser>().WithMany().HasForeignKey(s => s.OrganiserUserId).OnDelete(DeleteBehavior.Restrict);
        series.HasOne<Relationship>().WithMany().HasForeignKey(s => s.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        series.HasIndex(s => s.RelationshipId);
    }
}

internal sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> feed)
    {
        feed.ToTable("CalendarFeeds");
        feed.HasKey(f => f.UserId);
        feed.Property(f => f.TokenHash).HasMaxLength(64).IsRequired();
        feed.HasIndex(f => f.TokenHash).IsUnique();
        feed.HasOne<TandemUser>().WithOne().HasForeignKey<CalendarFeed>(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MeetingSettingsConfiguration : IEntityTypeConfiguration<MeetingSettings>
{
    public void Configure(EntityTypeBuilder<MeetingSettings> settings)
    {
        settings.ToTable("MeetingSettings");
        settings.HasKey(s => s.OrganisationId);
        settings.Property(s => s.Policy).HasConversion<string>().HasMaxLength(20);
        settings.HasOne<Organisation>().WithOne().HasForeignKey<MeetingSettings>(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
