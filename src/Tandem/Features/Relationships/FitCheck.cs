using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Data;
using Tandem.Features.Accounts;

namespace Tandem.Features.Relationships;

public enum FitAnswer { Yes, NotSure, No }

/// <summary>One member's answer to the early fit check: "Is this a good fit?" with an optional note.</summary>
public sealed class FitCheckAnswer
{
    private FitCheckAnswer() { }

    public FitCheckAnswer(Guid relationshipId, Guid userId, FitAnswer answer, string? note, DateTime at)
    {
        Id = Guid.CreateVersion7();
        RelationshipId = relationshipId;
        UserId = userId;
        Answer = answer;
        Note = note;
        AnsweredAt = at;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid UserId { get; private set; }
    public FitAnswer Answer { get; private set; }
    public string? Note { get; private set; }
    public DateTime AnsweredAt { get; private set; }
}

internal sealed class FitCheckAnswerConfiguration : IEntityTypeConfiguration<FitCheckAnswer>
{
    public void Configure(EntityTypeBuilder<FitCheckAnswer> answer)
    {
        answer.ToTable("FitCheckAnswers");
        answer.HasKey(a => a.Id);
        answer.Property(a => a.Answer).HasConversion<string>().HasMaxLength(20);
        answer.Property(a => a.Note).HasMaxLength(1000);
        answer.HasOne<Relationship>().WithMany().HasForeignKey(a => a.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        answer.HasOne<TandemUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        answer.HasIndex(a => new { a.RelationshipId, a.UserId }).IsUnique();
    }
}

/// <summary>
/// When the early fit check opens: after the pair's first meetings (<see cref="AfterMeetings"/> held, counted as
/// engagement health counts them: meetings someone checked in as having happened, and logged contacts), or at the
/// latest the program's <see cref="ProgramSelfMatchSettings.FitCheckAfterDays"/> after the start, so a pair that
/// never meets is asked too.
/// </summary>
public static class FitCheckOpening
{
    public const int AfterMeetings = 2;

    public static bool IsOpen(DateOnly opensOn, DateOnly today, int held) => today >= opensOn || held >= AfterMeetings;
}

/// <summary>When a relationship's fit check opens and whether it is open now (members and coordinators read the same).</summary>
internal static class FitCheckWindow
{
    public static async Task<(DateOnly OpensOn, bool IsOpen)> ReadAsync(TandemDb db, IMeetingsHeld meetingsHeld, Guid relationshipId, Guid programId, DateOnly startsOn,
        RelationshipStatus status, DateOnly today, CancellationToken ct)
    {
        var settings = await ProgramSelfMatchSettings.LoadAsync(db, programId, ct);
        var opensOn = startsOn.AddDays(settings.FitCheckAfterDays);
        var held = (await meetingsHeld.CountAsync([relationshipId], ct)).GetValueOrDefault(relationshipId);
        return (opensOn, FitCheckOpening.IsOpen(opensOn, today, held) && status is RelationshipStatus.Active or RelationshipStatus.Paused);
    }
}
