using System.Text.Json;

namespace Tandem.Features.Matching;

/// <summary>
/// One criterion's part of a proposal's score; <see cref="Private"/> when it reads a private answer. <see cref="Possible"/>
/// is the most this criterion could give the pair (its weight, times the fewer values of the two for a count), so a
/// score reads against its scale: "6 of 10 possible". Drafts made before it was kept read 0.
/// </summary>
public sealed record ProposalCriterion(string Criterion, long Points, bool Met, bool Required, bool Private, string Text, long Possible = 0);

/// <summary>A score against its scale.</summary>
public static class ScoreScale
{
    public static long Possible(IEnumerable<ProposalCriterion> explanation) => explanation.Sum(c => c.Possible);

    /// <summary>"6 of 10 possible"; only the score for a draft made before the scale was kept.</summary>
    public static string Describe(long score, IReadOnlyList<ProposalCriterion> explanation) =>
        Possible(explanation) is > 0 and var possible ? $"{score} of {possible} possible" : score.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

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

    /// <summary>A stable match (<see cref="MatchingGoal.Stable"/>): which choice the mentor is for the mentee and the mentee for the mentor (1 = first), and why.</summary>
    public int? MenteeChoice { get; private set; }
    public int? MentorChoice { get; private set; }
    public string? ChoiceNote { get; private set; }

    public void RecordChoice(StableChoice choice)
    {
        MenteeChoice = choice.MenteeChoice;
        MentorChoice = choice.MentorChoice;
        ChoiceNote = choice.Note;
    }

    public IReadOnlyList<ProposalCriterion> Explanation() =>
        JsonSerializer.Deserialize<List<ProposalCriterion>>(ExplanationJson, MatchSetup.Json) ?? [];
}
