using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Relationships;

namespace Tandem.Features.CheckIns;

/// <summary>
/// One person's record of a meeting (or of an unscheduled contact, when <see cref="MeetingId"/> is null):
/// whether it happened and a short structured log. Private to the pair and the program's coordinators.
/// </summary>
public sealed class CheckIn
{
    public const int TopicsMax = 2000;
    public const int TextMax = 2000;

    private CheckIn() { }

    public CheckIn(Guid relationshipId, Guid? meetingId, Guid authorUserId, bool happened, CheckInLog log, DateTime occurredAt, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        RelationshipId = relationshipId;
        MeetingId = meetingId;
        AuthorUserId = authorUserId;
        OccurredAt = occurredAt;
        CreatedAt = createdAt;
        Apply(happened, log);
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }

    /// <summary>The scheduled meeting this is about; null for an unscheduled contact a mentor logs.</summary>
    public Guid? MeetingId { get; private set; }
    public Guid AuthorUserId { get; private set; }
    public bool Happened { get; private set; }
    public string Topics { get; private set; } = "";
    public string? Progress { get; private set; }
    public string? Challenges { get; private set; }
    public string? NextSteps { get; private set; }

    /// <summary>How it went, 1 (badly) to 5 (very well); null when it did not happen or was not rated.</summary>
    public int? Rating { get; private set; }
    public DateTime OccurredAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? UpdatedAt { get; private set; }

    /// <summary>The author corrects their own check-in.</summary>
    public void Record(bool happened, CheckInLog log, DateTime at)
    {
        Apply(happened, log);
        UpdatedAt = at;
    }

    private void Apply(bool happened, CheckInLog log)
    {
        if (log.Rating is < 1 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(log), "A rating is between 1 and 5.");
        }
        Happened = happened;
        Topics = (log.Topics ?? "").Trim();
        Progress = Blank(log.Progress);
        Challenges = Blank(log.Challenges);
        NextSteps = Blank(log.NextSteps);
        Rating = happened ? log.Rating : null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The structured part of a check-in, already validated.</summary>
public sealed record CheckInLog(string? Topics, string? Progress, string? Challenges, string? NextSteps, int? Rating);

/// <summary>
/// Meetings held, the one count that engagement health and the fit check share: distinct meetings someone checked
/// in as having happened, plus every logged unscheduled contact. Counted here when check-ins change
/// (<see cref="PairContacts"/>) and in reports "as of" a moment; pages read the count kept on the relationship.
/// </summary>
public static class MeetingsHeld
{
    /// <summary>Per relationship (absent when none), in one grouped query.</summary>
    public static Task<Dictionary<Guid, int>> CountAsync(TandemDb db, IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct) =>
        CountAsync(db.Set<CheckIn>().Where(c => relationshipIds.Contains(c.RelationshipId)), ct);

    /// <summary>Per relationship of a query (absent when none), in one grouped query with the relationships as a subquery.</summary>
    public static Task<Dictionary<Guid, int>> CountAsync(TandemDb db, IQueryable<Guid> relationshipIds, CancellationToken ct) =>
        CountAsync(db.Set<CheckIn>().Where(c => relationshipIds.Contains(c.RelationshipId)), ct);

    private static async Task<Dictionary<Guid, int>> CountAsync(IQueryable<CheckIn> checkIns, CancellationToken ct) =>
        await checkIns.Where(c => c.Happened)
            .Select(c => new { c.RelationshipId, Meeting = c.MeetingId ?? c.Id }).Distinct()
            .GroupBy(x => x.RelationshipId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
}

/// <summary>
/// Answers <see cref="IMeetingsHeld"/> for Relationships (fit checks open after two meetings) from the count kept on each
/// relationship (<see cref="PairContacts"/>, ADR 46), not by recounting its check-ins.
/// </summary>
public sealed class MeetingsHeldCounter(TandemDb db) : IMeetingsHeld
{
    public Task<Dictionary<Guid, int>> CountAsync(IReadOnlyCollection<Guid> relationshipIds, CancellationToken ct) =>
        db.Set<Relationship>().Where(r => relationshipIds.Contains(r.Id) && r.MeetingsHeld > 0)
            .ToDictionaryAsync(r => r.Id, r => r.MeetingsHeld, ct);
}
