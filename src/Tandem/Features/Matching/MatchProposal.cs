using System.Text.Json;

namespace Tandem.Features.Matching;

/// <summary>One criterion's part of a proposal's score; <see cref="Private"/> when it reads a private answer.</summary>
public sealed record ProposalCriterion(string Criterion, long Points, bool Met, bool Required, bool Private, string Text);

/// <summary>
/// A proposed pair in a draft: mentor and mentee (or two peers). Proposals sharing a <see cref="GroupNumber"/>
/// become one relationship: a mentor with several mentees, or a study group.
/// </summary>
public sealed class MatchProposal
{
    private MatchProposal() { }

    public MatchProposal(Guid draftId, int groupNumber, Guid firstEnrolmentId, Guid secondEnrolmentId, long score, IReadOnlyList<ProposalCriterion> explanation, bool locked)
    {
        Id = Guid.CreateVersion7();
        DraftId = draftId;
        GroupNumber = groupNumber;
        FirstEnrolmentId = firstEnrolmentId;
        SecondEnrolmentId = secondEnrolmentId;
        Score = score;
        ExplanationJson = JsonSerializer.Serialize(explanation, MatchSetup.Json);
        Locked = locked;
    }

    public Guid Id { get; private set; }
    public Guid DraftId { get; private set; }
    public int GroupNumber { get; private set; }

    /// <summary>The mentor (or the first peer).</summary>
    public Guid FirstEnrolmentId { get; private set; }

    /// <summary>The mentee (or the second peer).</summary>
    public Guid SecondEnrolmentId { get; private set; }
    public long Score { get; private set; }
    public string ExplanationJson { get; private set; } = "[]";
    public bool Locked { get; private set; }

    public IReadOnlyList<ProposalCriterion> Explanation() =>
        JsonSerializer.Deserialize<List<ProposalCriterion>>(ExplanationJson, MatchSetup.Json) ?? [];
}
