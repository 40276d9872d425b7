using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.CheckIns;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

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

public sealed class FitCheckRequest
{
    [Required]
    public FitAnswer? Answer { get; set; }

    [StringLength(1000)]
    public string? Note { get; set; }
}

public sealed record FitCheckAnswerView(Guid UserId, string DisplayName, FitAnswer Answer, string? Note, DateTime AnsweredAt);

/// <summary>Every member's answer to the fit check of one relationship, for its coordinators (members never read each other's).</summary>
public sealed record FitCheckView(Guid RelationshipId, DateOnly OpensOn, bool IsOpen, bool PoorFit, IReadOnlyList<FitCheckAnswerView> Answers);

/// <summary>The reader's own answer to the fit check.</summary>
public sealed record MyFitAnswerView(FitAnswer Answer, string? Note, DateTime AnsweredAt);

/// <summary>
/// The fit check as a member reads it: when it opens, whether they can answer, and their own answer. A partner's
/// answer and the poor-fit flag (which a partner's "No" sets) are not in it, so that each answers honestly (ADR 20).
/// </summary>
public sealed record MyFitCheckView(Guid RelationshipId, DateOnly OpensOn, bool IsOpen, bool CanAnswer, MyFitAnswerView? MyAnswer);

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
    public static async Task<(DateOnly OpensOn, bool IsOpen)> ReadAsync(TandemDb db, Guid relationshipId, Guid programId, DateOnly startsOn,
        RelationshipStatus status, DateOnly today, CancellationToken ct)
    {
        var settings = await ProgramSelfMatchSettings.LoadAsync(db, programId, ct);
        var opensOn = startsOn.AddDays(settings.FitCheckAfterDays);
        var held = (await MeetingsHeld.CountAsync(db, [relationshipId], ct)).GetValueOrDefault(relationshipId);
        return (opensOn, FitCheckOpening.IsOpen(opensOn, today, held) && status is RelationshipStatus.Active or RelationshipStatus.Paused);
    }
}

/// <summary>
/// A member reads the fit check of their relationship; a coordinator who is not a member is sent to
/// <see cref="GetFitCheckAnswers"/> (403), anyone else finds nothing (404).
/// </summary>
public sealed class GetFitCheck(TandemDb db, RelationshipAccess access, TimeProvider clock)
{
    public async Task<Outcome<MyFitCheckView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var relationship = await access.Readable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.Id, r.ProgramId, r.StartsOn, r.Status, IsMember = r.Members.Any(m => m.UserId == actor.UserId) })
            .SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        if (!relationship.IsMember)
        {
            return new Forbidden($"Only members have a fit check to answer; coordinators read the answers at /api/v1/relationships/{relationshipId}/fit-check/answers.");
        }
        var (opensOn, isOpen) = await FitCheckWindow.ReadAsync(db, relationshipId, relationship.ProgramId, relationship.StartsOn, relationship.Status,
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
        var mine = await db.Set<FitCheckAnswer>().Where(a => a.RelationshipId == relationshipId && a.UserId == actor.UserId)
            .Select(a => new MyFitAnswerView(a.Answer, a.Note, a.AnsweredAt))
            .SingleOrDefaultAsync(ct);
        return new MyFitCheckView(relationshipId, opensOn, isOpen, isOpen && mine is null, mine);
    }
}

/// <summary>Every member's fit-check answer and the poor-fit flag, for the program's coordinators and administrators.</summary>
public sealed class GetFitCheckAnswers(TandemDb db, RelationshipAccess access, TimeProvider clock)
{
    public async Task<Outcome<FitCheckView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var found = await access.FindManageableAsync(actor, relationshipId, ct,
            forbidden: "Only the program's coordinators read the members' fit-check answers.");
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var relationship = found.Value!;
        var (opensOn, isOpen) = await FitCheckWindow.ReadAsync(db, relationshipId, relationship.ProgramId, relationship.StartsOn, relationship.Status,
            DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), ct);
        var answers = await db.Set<FitCheckAnswer>().Where(a => a.RelationshipId == relationshipId)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new FitCheckAnswerView(a.UserId, u.DisplayName, a.Answer, a.Note, a.AnsweredAt))
            .ToListAsync(ct);
        return new FitCheckView(relationshipId, opensOn, isOpen, relationship.PoorFitFlaggedAt is not null, answers.OrderBy(a => a.AnsweredAt).ToList());
    }
}

/// <summary>
/// A member answers the early fit check once it is open (see <see cref="FitCheckOpening"/>). A "no" from either side flags the relationship as a poor fit for the coordinators.
/// </summary>
public sealed class AnswerFitCheck(TandemDb db, RelationshipAccess access, GetFitCheck getFitCheck, TimeProvider clock)
{
    public async Task<Outcome<MyFitCheckView>> RunAsync(Actor actor, Guid relationshipId, FitCheckRequest request, CancellationToken ct = default)
    {
        var relationship = await access.Readable(actor).Where(r => r.Id == relationshipId).Include(r => r.Members).SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        if (relationship.Members.All(m => m.UserId != actor.UserId))
        {
            return new Forbidden("Only the members of a relationship answer its fit check.");
        }
        if (!relationship.IsOpen)
        {
            return new Conflict($"The relationship is {relationship.Status}; its fit check is closed.");
        }
        var settings = await ProgramSelfMatchSettings.LoadAsync(db, relationship.ProgramId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var opensOn = relationship.StartsOn.AddDays(settings.FitCheckAfterDays);
        var held = (await MeetingsHeld.CountAsync(db, [relationshipId], ct)).GetValueOrDefault(relationshipId);
        if (!FitCheckOpening.IsOpen(opensOn, DateOnly.FromDateTime(now), held))
        {
            return new Conflict($"The fit check opens after your first {FitCheckOpening.AfterMeetings} meetings, or on {opensOn:d MMM yyyy} at the latest.");
        }
        if (await db.Set<FitCheckAnswer>().AnyAsync(a => a.RelationshipId == relationshipId && a.UserId == actor.UserId, ct))
        {
            return new Conflict("You have already answered the fit check.");
        }
        var answer = request.Answer ?? FitAnswer.NotSure;
        db.Add(new FitCheckAnswer(relationshipId, actor.UserId, answer, request.Note?.Trim() is { Length: > 0 } note ? note : null, now));
        if (answer == FitAnswer.No)
        {
            relationship.FlagPoorFit(now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            return new Conflict("You have already answered the fit check.");
        }
        return await getFitCheck.RunAsync(actor, relationshipId, ct);
    }
}
