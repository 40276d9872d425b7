using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

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

public sealed record RelationshipSettingsView(Guid ProgramId, bool SelfMatchEnabled, int RequestTimeoutDays, int FitCheckAfterDays);

public sealed class RelationshipSettingsRequest
{
    public bool SelfMatchEnabled { get; set; }

    [Range(1, 60)]
    public int RequestTimeoutDays { get; set; } = ProgramSelfMatchSettings.DefaultRequestTimeoutDays;

    [Range(1, 120)]
    public int FitCheckAfterDays { get; set; } = ProgramSelfMatchSettings.DefaultFitCheckAfterDays;
}

/// <summary>Reads a program's relationship settings (anyone who sees the program: mentees need to know if self-match is on).</summary>
public sealed class GetRelationshipSettings(TandemDb db, ProgramAccess programs)
{
    public async Task<Outcome<RelationshipSettingsView>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if (!await programs.Visible(actor).AnyAsync(p => p.Id == programId, ct))
        {
            return new NotFound("No program with this id is visible to you.");
        }
        var s = await ProgramSelfMatchSettings.LoadAsync(db, programId, ct);
        return new RelationshipSettingsView(programId, s.SelfMatchEnabled, s.RequestTimeoutDays, s.FitCheckAfterDays);
    }
}

/// <summary>A coordinator turns self-match on or off and sets the request time-out and the fit check delay.</summary>
public sealed class ChangeRelationshipSettings(TandemDb db, ProgramAccess programs, TimeProvider clock)
{
    public async Task<Outcome<RelationshipSettingsView>> RunAsync(Actor actor, Guid programId, RelationshipSettingsRequest request, CancellationToken ct = default)
    {
        var found = await UpdateProgram.FindManageableAsync(db, programs, actor, programId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (request.RequestTimeoutDays is < 1 or > 60)
        {
            return Invalid.Field(nameof(request.RequestTimeoutDays), "A request times out after 1 to 60 days.");
        }
        if (request.FitCheckAfterDays is < 1 or > 120)
        {
            return Invalid.Field(nameof(request.FitCheckAfterDays), "The fit check opens 1 to 120 days after the start.");
        }
        var settings = await db.Set<ProgramSelfMatchSettings>().SingleOrDefaultAsync(s => s.ProgramId == programId, ct);
        if (settings is null)
        {
            settings = new ProgramSelfMatchSettings(programId);
            db.Add(settings);
        }
        settings.Change(request.SelfMatchEnabled, request.RequestTimeoutDays, request.FitCheckAfterDays, actor.UserId, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return new RelationshipSettingsView(programId, settings.SelfMatchEnabled, settings.RequestTimeoutDays, settings.FitCheckAfterDays);
    }
}
