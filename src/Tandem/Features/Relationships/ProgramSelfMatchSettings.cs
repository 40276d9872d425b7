using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Data;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

/// <summary>
/// A program's settings for relationships: whether mentees may pick a mentor themselves (self-match), how long a
/// mentor has to answer a request, and when the early fit check opens. A program without a row uses the defaults.
/// </summary>
public sealed class ProgramSelfMatchSettings
{
    public const int DefaultRequestTimeoutDays = 7;
    public const int DefaultFitCheckAfterDays = 28;

    private ProgramSelfMatchSettings() { }

    public ProgramSelfMatchSettings(Guid programId) => ProgramId = programId;

    public Guid ProgramId { get; private set; }
    public bool SelfMatchEnabled { get; private set; }
    public int RequestTimeoutDays { get; private set; } = DefaultRequestTimeoutDays;
    public int FitCheckAfterDays { get; private set; } = DefaultFitCheckAfterDays;
    public Guid? UpdatedByUserId { get; private set; }
    public DateTime? UpdatedAt { get; private set; }

    public void Change(bool selfMatchEnabled, int requestTimeoutDays, int fitCheckAfterDays, Guid by, DateTime at)
    {
        SelfMatchEnabled = selfMatchEnabled;
        RequestTimeoutDays = requestTimeoutDays;
        FitCheckAfterDays = fitCheckAfterDays;
        UpdatedByUserId = by;
        UpdatedAt = at;
    }

    public static async Task<ProgramSelfMatchSettings> LoadAsync(TandemDb db, Guid programId, CancellationToken ct) =>
        await db.Set<ProgramSelfMatchSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.ProgramId == programId, ct)
        ?? new ProgramSelfMatchSettings(programId);
}

internal sealed class ProgramSelfMatchSettingsConfiguration : IEntityTypeConfiguration<ProgramSelfMatchSettings>
{
    public void Configure(EntityTypeBuilder<ProgramSelfMatchSettings> settings)
    {
        settings.ToTable("ProgramSelfMatchSettings");
        settings.HasKey(s => s.ProgramId);
        settings.HasOne<MentorshipProgram>().WithOne().HasForeignKey<ProgramSelfMatchSettings>(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}
