using System.Text.Json;
using Tandem.Features.Programs;

namespace Tandem.Features.Matching;

public enum MatchDraftStatus { Draft, Published, Superseded }

/// <summary>A person the draft leaves without a match, and why.</summary>
public sealed record UnmatchedPerson(Guid EnrolmentId, Guid UserId, string Name, ProgramRole Role, string Reason);

/// <summary>
/// The result of one run of pool matching: proposals the coordinator reviews, adjusts (locks, prohibitions,
/// re-runs) and finally publishes. A re-run supersedes the previous draft and keeps a link to it for comparison.
/// </summary>
public sealed class MatchDraft
{
    private MatchDraft() { }

    public MatchDraft(Guid programId, int number, Guid? previousDraftId, IReadOnlyList<SetupCriterion> criteria, int groupSize, Guid by, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Number = number;
        PreviousDraftId = previousDraftId;
        CriteriaJson = JsonSerializer.Serialize(criteria, MatchSetup.Json);
        GroupSize = groupSize;
        Status = MatchDraftStatus.Draft;
        CreatedByUserId = by;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public int Number { get; private set; }
    public Guid? PreviousDraftId { get; private set; }
    public MatchDraftStatus Status { get; private set; }

    /// <summary>The criteria this draft was computed with (a copy: the setup may change afterwards).</summary>
    public string CriteriaJson { get; private set; } = "[]";
    public int GroupSize { get; private set; }

    /// <summary>People matched on the seeking side (mentees; every peer in a peer program).</summary>
    public int Matched { get; private set; }
    public int Unmatched { get; private set; }
    public double AverageScore { get; private set; }
    public int PairsSharingFreeTime { get; private set; }
    public string UnmatchedJson { get; private set; } = "[]";
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? PublishedAt { get; private set; }
    public DateOnly? StartsOn { get; private set; }
    public List<MatchProposal> Proposals { get; private set; } = [];

    public IReadOnlyList<SetupCriterion> Criteria() => MatchSetup.ParseCriteria(CriteriaJson);

    public IReadOnlyList<UnmatchedPerson> UnmatchedPeople() =>
        JsonSerializer.Deserialize<List<UnmatchedPerson>>(UnmatchedJson, MatchSetup.Json) ?? [];

    public void Record(int matched, IReadOnlyList<UnmatchedPerson> unmatched, double averageScore, int sharingFreeTime)
    {
        Matched = matched;
        Unmatched = unmatched.Count;
        UnmatchedJson = JsonSerializer.Serialize(unmatched, MatchSetup.Json);
        AverageScore = averageScore;
        PairsSharingFreeTime = sharingFreeTime;
    }

    public void Supersede()
    {
        if (Status != MatchDraftStatus.Draft)
        {
            throw new InvalidOperationException($"A {Status} draft cannot be superseded.");
        }
        Status = MatchDraftStatus.Superseded;
    }

    public void Publish(DateOnly startsOn, DateTime at)
    {
        if (Status != MatchDraftStatus.Draft)
        {
            throw new InvalidOperationException($"A {Status} draft cannot be published.");
        }
        Status = MatchDraftStatus.Published;
        StartsOn = startsOn;
        PublishedAt = at;
    }
}
