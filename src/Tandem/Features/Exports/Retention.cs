using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure;

namespace Tandem.Features.Exports;

/// <summary>
/// How long an organisation keeps the personal data of its closed programs (ADR 49). No row means the default,
/// <see cref="DefaultMonths"/>.
/// </summary>
public sealed class RetentionSettings
{
    public const int DefaultMonths = 24;
    public const int MinMonths = 1;
    public const int MaxMonths = 120;

    private RetentionSettings() { }

    public RetentionSettings(Guid organisationId, int closedProgramMonths, Guid changedBy, DateTime changedAt)
    {
        OrganisationId = organisationId;
        Change(closedProgramMonths, changedBy, changedAt);
    }

    public Guid OrganisationId { get; private set; }

    /// <summary>Months after a program closes until its personal data is anonymised.</summary>
    public int ClosedProgramMonths { get; private set; }
    public Guid ChangedByUserId { get; private set; }
    public DateTime ChangedAt { get; private set; }

    public void Change(int months, Guid by, DateTime at)
    {
        ClosedProgramMonths = months;
        ChangedByUserId = by;
        ChangedAt = at;
    }

    /// <summary>When a program closed at <paramref name="closedAt"/> has passed a retention of <paramref name="months"/>.</summary>
    public static DateTime ExpiresAt(DateTime closedAt, int months) => closedAt.AddMonths(months);
}

/// <summary>
/// The record of one closed program whose personal data was anonymised: what, when, by which node, and how many rows
/// of each kind. Its unique <see cref="ProgramId"/> is also the claim: it is inserted first, in the anonymisation's own
/// transaction, so of two nodes the second waits for the first and then finds the program done (ADR 49).
/// </summary>
public sealed class RetentionRun
{
    private RetentionRun() { }

    public RetentionRun(Guid organisationId, Guid programId, string programName, DateTime closedAt, int keptMonths, string node, DateTime at)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        ProgramId = programId;
        ProgramName = programName;
        ClosedAt = closedAt;
        KeptMonths = keptMonths;
        Node = node;
        At = at;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ProgramId { get; private set; }
    public string ProgramName { get; private set; } = "";
    public DateTime ClosedAt { get; private set; }
    public int KeptMonths { get; private set; }
    public string Node { get; private set; } = "";
    public DateTime At { get; private set; }

    /// <summary>Rows changed, by kind ("checkIns": 40, …), as JSON.</summary>
    public string RowsJson { get; private set; } = "{}";

    public void Record(IReadOnlyDictionary<string, int> rows) => RowsJson = System.Text.Json.JsonSerializer.Serialize(rows);
}

/// <summary>The retention job's settings (section "Retention"; docs/operations.md).</summary>
public sealed class RetentionOptions
{
    /// <summary>Off in tests, which run the pass themselves.</summary>
    public bool WorkerEnabled { get; set; } = true;

    [TimeSpanRange("00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long ended sessions, used or expired account links and lapsed invitations stay before they are deleted.</summary>
    [TimeSpanRange("1.00:00:00", "365.00:00:00")]
    public TimeSpan KeepEndedFor { get; set; } = TimeSpan.FromDays(30);
}

internal sealed class RetentionConfiguration : IEntityTypeConfiguration<RetentionSettings>, IEntityTypeConfiguration<RetentionRun>
{
    public void Configure(EntityTypeBuilder<RetentionSettings> settings)
    {
        settings.ToTable("RetentionSettings");
        settings.HasKey(s => s.OrganisationId);
        settings.HasOne<Organisation>().WithOne().HasForeignKey<RetentionSettings>(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<RetentionRun> run)
    {
        run.ToTable("RetentionRuns");
        run.HasKey(r => r.Id);
        run.Property(r => r.ProgramName).HasMaxLength(120).IsRequired();
        run.Property(r => r.Node).HasMaxLength(100).IsRequired();
        run.Property(r => r.RowsJson).IsRequired();
        run.HasIndex(r => r.ProgramId).IsUnique();
        run.HasIndex(r => new { r.OrganisationId, r.At });
        run.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}
