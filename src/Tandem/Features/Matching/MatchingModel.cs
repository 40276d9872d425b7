using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tandem.Features.Applications;
using Tandem.Features.Programs;

namespace Tandem.Features.Matching;

public enum MatchDraftStatus { Draft, Published, Superseded }

/// <summary>A coordinator's adjustment that every later run of the program's matching honours.</summary>
public enum MatchRuleKind { Lock, Forbid }

/// <summary>
/// One criterion of a program's matching setup: which question (on each side) feeds it, how it compares,
/// how much it weighs, and whether it is a hard rule.
/// </summary>
public sealed record SetupCriterion(
    string Name,
    CriterionKind Kind,
    string MenteeQuestionId,
    string MentorQuestionId,
    int Weight,
    bool Required,
    double? Minimum,
    double? Maximum);

/// <summary>
/// How a program's pool is matched. Absent until a coordinator saves one; until then the default is every
/// question flagged as a criterion, with its kind, weight 1 and no hard rule.
/// </summary>
public sealed class MatchSetup
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private MatchSetup() { }

    public MatchSetup(Guid programId)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public string CriteriaJson { get; private set; } = "[]";

    /// <summary>In a peer program: 2 forms pairs, more forms study groups of that size.</summary>
    public int GroupSize { get; private set; } = 2;
    public Guid UpdatedByUserId { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<SetupCriterion> Criteria() => ParseCriteria(CriteriaJson);

    public void Change(IReadOnlyList<SetupCriterion> criteria, int groupSize, Guid by, DateTime at)
    {
        CriteriaJson = JsonSerializer.Serialize(criteria, Json);
        GroupSize = groupSize;
        UpdatedByUserId = by;
        UpdatedAt = at;
    }

    public static IReadOnlyList<SetupCriterion> ParseCriteria(string json) =>
        JsonSerializer.Deserialize<List<SetupCriterion>>(json, Json) ?? [];
}

/// <summary>A lock (this pair stays together on every re-run) or a prohibition (never propose this pair).</summary>
public sealed class MatchRule
{
    private MatchRule() { }

    public MatchRule(Guid programId, MatchRuleKind kind, Guid firstEnrolmentId, Guid secondEnrolmentId, Guid by, DateTime at)
    {
        Id = Guid.CreateVersion7();
        ProgramId = programId;
        Kind = kind;
        FirstEnrolmentId = firstEnrolmentId;
        SecondEnrolmentId = secondEnrolmentId;
        CreatedByUserId = by;
        CreatedAt = at;
    }

    public Guid Id { get; private set; }
    public Guid ProgramId { get; private set; }
    public MatchRuleKind Kind { get; private set; }

    /// <summary>The mentor (or the first peer).</summary>
    public Guid FirstEnrolmentId { get; private set; }

    /// <summary>The mentee (or the second peer).</summary>
    public Guid SecondEnrolmentId { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

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

internal sealed class MatchSetupConfiguration : IEntityTypeConfiguration<MatchSetup>
{
    public void Configure(EntityTypeBuilder<MatchSetup> setup)
    {
        setup.ToTable("MatchSetups");
        setup.HasKey(s => s.Id);
        setup.Property(s => s.CriteriaJson).IsRequired();
        setup.HasOne<MentorshipProgram>().WithMany().HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
        setup.HasIndex(s => s.ProgramId).IsUnique();
    }
}

internal sealed class MatchRuleConfiguration : IEntityTypeConfiguration<MatchRule>
{
    public void Configure(EntityTypeBuilder<MatchRule> rule)
    {
        rule.ToTable("MatchRules");
        rule.HasKey(r => r.Id);
        rule.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        rule.HasOne<MentorshipProgram>().WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        rule.HasOne<Enrolment>().WithMany().HasForeignKey(r => r.FirstEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        rule.HasOne<Enrolment>().WithMany().HasForeignKey(r => r.SecondEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        rule.HasIndex(r => new { r.ProgramId, r.FirstEnrolmentId, r.SecondEnrolmentId }).IsUnique();
    }
}

internal sealed class MatchDraftConfiguration : IEntityTypeConfiguration<MatchDraft>
{
    public void Configure(EntityTypeBuilder<MatchDraft> draft)
    {
        draft.ToTable("MatchDrafts");
        draft.HasKey(d => d.Id);
        draft.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        draft.Property(d => d.CriteriaJson).IsRequired();
        draft.Property(d => d.UnmatchedJson).IsRequired();
        draft.HasOne<MentorshipProgram>().WithMany().HasForeignKey(d => d.ProgramId).OnDelete(DeleteBehavior.Cascade);
        draft.HasMany(d => d.Proposals).WithOne().HasForeignKey(p => p.DraftId).OnDelete(DeleteBehavior.Cascade);
        draft.HasIndex(d => new { d.ProgramId, d.Number }).IsUnique();
    }
}

internal sealed class MatchProposalConfiguration : IEntityTypeConfiguration<MatchProposal>
{
    public void Configure(EntityTypeBuilder<MatchProposal> proposal)
    {
        proposal.ToTable("MatchProposals");
        proposal.HasKey(p => p.Id);
        proposal.Property(p => p.ExplanationJson).IsRequired();
        proposal.HasOne<Enrolment>().WithMany().HasForeignKey(p => p.FirstEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        proposal.HasOne<Enrolment>().WithMany().HasForeignKey(p => p.SecondEnrolmentId).OnDelete(DeleteBehavior.Restrict);
        proposal.HasIndex(p => p.DraftId);
    }
}
