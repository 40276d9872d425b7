using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Programs;

namespace Tandem.Features.Relationships;

public enum MentorRequestStatus { Pending, Accepted, Declined, Withdrawn, TimedOut }

/// <summary>
/// Self-match: a mentee asks a mentor (with a message); the mentor accepts or declines before the request times out.
/// A mentee has at most one pending request per program (unique filtered index).
/// </summary>
public sealed class MentorRequest
{
    private MentorRequest() { }

    public MentorRequest(Guid programId, Guid menteeEnrolmentId, Guid menteeUserId, Guid mentorEnrolmentId, Guid mentorUserId,
        string message, string? matchExplanation, int? matchScore, DateTime createdAt, DateTime expiresAt)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        MenteeEnrolmentId = menteeEnrolmentId;
        MenteeUserId = menteeUserId;
        MentorEnrolmentId = mentorEnrolmentId;
        MentorUserId = mentorUserId;
        Message = message;
        MatchExplanation = matchExplanation;
        MatchScore = matchScore;
        Status = MentorRequestStatus.Pending;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public Guid MenteeEnrolmentId { get; private set; }
    public Guid MenteeUserId { get; private set; }
    public Guid MentorEnrolmentId { get; private set; }
    public Guid MentorUserId { get; private set; }
    public string Message { get; private set; } = "";
    public string? MatchExplanation { get; private set; }
    public int? MatchScore { get; private set; }
    public MentorRequestStatus Status { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? DecisionNote { get; private set; }
    public Guid? RelationshipId { get; private set; }

    /// <summary>The app node that claimed the request for background work (time-out), and when.</summary>
    public string? ClaimedBy { get; private set; }
    public DateTime? ClaimedAt { get; private set; }

    public bool Accept(Guid relationshipId, DateTime at) => Decide(MentorRequestStatus.Accepted, at, null, relationshipId);

    public bool Decline(DateTime at, string? note) => Decide(MentorRequestStatus.Declined, at, note, null);

    public bool Withdraw(DateTime at) => Decide(MentorRequestStatus.Withdrawn, at, null, null);

    private bool Decide(MentorRequestStatus status, DateTime at, string? note, Guid? relationshipId)
    {
        if (Status != MentorRequestStatus.Pending || at >= ExpiresAt)
        {
            return false;
        }
        Status = status;
        DecidedAt = at;
        DecisionNote = note;
        RelationshipId = relationshipId;
        return true;
    }
}

/// <summary>
/// Moves a request out of Pending in one conditional update, before the caller saves the rest of the decision in the same
/// transaction (as <see cref="RelationshipStatusChange.ClaimAsync"/>): of two decisions at the same moment, one wins.
/// </summary>
internal static class MentorRequestClaim
{
    /// <returns>False when the request is no longer pending, or its time is up.</returns>
    public static async Task<bool> ClaimAsync(Tandem.Data.TandemDb db, Guid requestId, MentorRequestStatus to, DateTime at, CancellationToken ct) =>
        await db.Set<MentorRequest>().Where(r => r.Id == requestId && r.Status == MentorRequestStatus.Pending && r.ExpiresAt > at)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, to).SetProperty(r => r.DecidedAt, at), ct) == 1;

    /// <summary>The 409's sentence for a claim lost: the status the request has now.</summary>
    public static async Task<string> AlreadyAsync(Tandem.Data.TandemDb db, Guid requestId, CancellationToken ct) =>
        await db.Set<MentorRequest>().Where(r => r.Id == requestId).Select(r => (MentorRequestStatus?)r.Status).SingleOrDefaultAsync(ct) switch
        {
            null => "This request no longer exists.",
            MentorRequestStatus.Pending => "This request has timed out.",
            MentorRequestStatus.TimedOut => "This request is already timed out.",
            { } status => $"This request is already {status.ToString().ToLowerInvariant()}.",
        };
}

internal sealed class MentorRequestConfiguration : IEntityTypeConfiguration<MentorRequest>
{
    public void Configure(EntityTypeBuilder<MentorRequest> request)
    {
        request.ToTable("MentorRequests");
        request.HasKey(r => r.Id);
        request.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        request.Property(r => r.Message).HasMaxLength(2000).IsRequired();
        request.Property(r => r.MatchExplanation).HasMaxLength(4000);
        request.Property(r => r.DecisionNote).HasMaxLength(1000);
        request.Property(r => r.ClaimedBy).HasMaxLength(200);
        request.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        request.HasOne<Enrolment>().WithMany().HasForeignKey(r => r.MenteeEnrolmentId).OnDelete(DeleteBehavior.Cascade);
        request.HasOne<Enrolment>().WithMany().HasForeignKey(r => r.MentorEnrolmentId).OnDelete(DeleteBehavior.Cascade);
        request.HasIndex(r => r.MenteeEnrolmentId).IsUnique().HasFilter("\"Status\" = 'Pending'").HasDatabaseName("IX_MentorRequests_OnePendingPerMentee");
        request.HasIndex(r => new { r.MentorUserId, r.Status });
        request.HasIndex(r => new { r.MenteeUserId, r.Status });
        request.HasIndex(r => new { r.Status, r.ExpiresAt });
    }
}
