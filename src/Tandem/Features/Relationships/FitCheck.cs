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

/// <summary>
/// The fit check of one relationship. Members see when it opens and their own answer; coordinators see every
/// answer (a member never sees their partner's answer, so they can answer honestly).
/// </summary>
public sealed record FitCheckView(Guid RelationshipId, DateOnly OpensOn, bool IsOpen, bool CanAnswer, bool PoorFit, FitCheckAnswerView? MyAnswer, IReadOnlyList<FitCheckAnswerView> Answers);

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

/// <summary>Reads the fit check of a relationship (members and coordinators).</summary>
public sealed class GetFitCheck(TandemDb db, RelationshipAccess access, TimeProvider clock)
{
    public async Task<Outcome<FitCheckView>> RunAsync(Actor actor, Guid relationshipId, CancellationToken ct = default)
    {
        var relationship = await access.Readable(actor).Where(r => r.Id == relationshipId)
            .Select(r => new { r.Id, r.ProgramId, r.StartsOn, r.Status, r.PoorFitFlaggedAt, IsMember = r.Members.Any(m => m.UserId == actor.UserId) })
            .SingleOrDefaultAsync(ct);
        if (relationship is null)
        {
            return new NotFound("No relationship with this id is visible to you.");
        }
        var manages = await access.Manageable(actor).AnyAsync(r => r.Id == relationshipId, ct);
        var settings = await ProgramSelfMatchSettings.LoadAsync(db, relationship.ProgramId, ct);
        var opensOn = relationship.StartsOn.AddDays(settings.FitCheckAfterDays);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var answers = await db.Set<FitCheckAnswer>().Where(a => a.RelationshipId == relationshipId)
            .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new FitCheckAnswerView(a.UserId, u.DisplayName, a.Answer, a.Note, a.AnsweredAt))
            .ToListAsync(ct);
        var mine = answers.SingleOrDefault(a => a.UserId == actor.UserId);
        var held = (await MeetingsHeld.CountAsync(db, [relationshipId], ct)).GetValueOrDefault(relationshipId);
        var isOpen = FitCheckOpening.IsOpen(opensOn, today, held) && relationship.Status is RelationshipStatus.Active or RelationshipStatus.Paused;
        return new FitCheckView(relationshipId, opensOn, isOpen, isOpen && relationship.IsMember && mine is null,
            manages && relationship.PoorFitFlaggedAt is not null, mine, manages ? answers.OrderBy(a => a.AnsweredAt).ToList() : []);
    }
}

/// <summary>
/// A member answers the early fit check once it is open (see <see cref="FitCheckOpening"/>). A "no" from either side flags the relationship as a poor fit for the coordinators.
/// </summary>
public sealed class AnswerFitCheck(TandemDb db, RelationshipAccess access, GetFitCheck getFitCheck, TimeProvider clock)
{
    public async Task<Outcome<FitCheckView>> RunAsync(Actor actor, Guid relationshipId, FitCheckRequest request, CancellationToken ct = default)
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
