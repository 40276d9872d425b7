using System.ComponentModel.DataAnnotations;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Goals;

/// <summary>A goal as the pair (and, read-only, the program's coordinators) see it, with its milestones and action items.</summary>
public sealed record GoalView(
    Guid Id, Guid RelationshipId, string Outcome, string Measure, DateOnly TargetDate, GoalStatus Status,
    Guid CreatedByUserId, DateTime CreatedAt, DateTime? UpdatedAt, DateTime? ClosedAt,
    int ActionItemsDone, int ActionItemsTotal, int ProgressPercent,
    IReadOnlyList<MilestoneView> Milestones, IReadOnlyList<ActionItemView> ActionItems);

public sealed record MilestoneView(Guid Id, string Title, DateOnly? DueOn, DateTime? DoneAt);

public sealed record ActionItemView(
    Guid Id, Guid GoalId, string Title, string? Notes, Guid AssigneeUserId, string AssigneeName, DateOnly? DueOn,
    ActionItemState State, int Position, DateTime? DoneAt);

/// <summary>What an import wrote: all of the file, or (with 422) nothing.</summary>
public sealed record ActionItemImportResult(Guid GoalId, string Format, int ActionItems, int Milestones);

/// <summary>A program's goal progress for its coordinators: counts over every pair, in one query.</summary>
public sealed record ProgramGoalProgress(
    Guid ProgramId, int OpenRelationships, int RelationshipsWithGoals, int RelationshipsWithoutGoals,
    int GoalsActive, int GoalsAchieved, int GoalsDropped,
    int ActionItemsToDo, int ActionItemsDoing, int ActionItemsDone, int ActionItemsPercentDone);

/// <summary>One pair's line in the coordinators' paged list.</summary>
public sealed record PairGoalProgress(
    Guid RelationshipId, DateOnly StartsOn, string Members, int Goals, int GoalsAchieved, int ActionItems, int ActionItemsDone, int PercentDone);

/// <summary>A pair or group member an action item can be assigned to.</summary>
public sealed record GoalMember(Guid UserId, string DisplayName);

public sealed class GoalRequest
{
    [Required, StringLength(Goal.OutcomeMax)]
    public string? Outcome { get; set; }

    [Required, StringLength(Goal.MeasureMax)]
    public string? Measure { get; set; }

    [Required]
    public DateOnly? TargetDate { get; set; }

    /// <summary>On a change: Active, Achieved or Dropped (unchanged when left out). A new goal is Active.</summary>
    public GoalStatus? Status { get; set; }

    /// <summary>On creation only: the goal's first milestones (at most 20).</summary>
    public List<MilestoneRequest>? Milestones { get; set; }
}

public sealed class MilestoneRequest
{
    [Required, StringLength(Milestone.TitleMax)]
    public string? Title { get; set; }

    public DateOnly? DueOn { get; set; }

    /// <summary>Ticked off or not; on a change, left out keeps it as it is (a rename does not undo it or forget when).</summary>
    public bool? Done { get; set; }
}

public sealed class ActionItemRequest
{
    [Required, StringLength(ActionItem.TitleMax)]
    public string? Title { get; set; }

    [StringLength(ActionItem.NotesMax)]
    public string? Notes { get; set; }

    /// <summary>A current member of the relationship; the caller when left out.</summary>
    public Guid? AssigneeUserId { get; set; }

    public DateOnly? DueOn { get; set; }

    /// <summary>On creation: the column (ToDo when left out). Use the move operation afterwards.</summary>
    public ActionItemState? State { get; set; }
}

public sealed class MoveActionItemRequest
{
    [Required]
    public ActionItemState? State { get; set; }

    /// <summary>Place in the column, from 0; the end of the column when left out.</summary>
    [Range(0, Goal.ActionItemsMax)]
    public int? Position { get; set; }
}

/// <summary>An import file that cannot be read as its format says (422), every problem named; nothing was written.</summary>
public sealed record GoalFileInvalid(IReadOnlyList<string> Problems)
    : Unprocessable("The file cannot be imported", Problems.Count == 1 ? Problems[0] : $"{Problems.Count} problems: {string.Join(" ", Problems.Take(5))}")
{
    public override string ListName => "problems";

    public override object List => Problems;
}

/// <summary>The "Goals" configuration section.</summary>
public sealed class GoalOptions
{
    /// <summary>Largest Trello or Asana file a pair may import, in bytes (413 beyond it).</summary>
    [Range(1024, 50 * 1024 * 1024)]
    public long MaxImportBytes { get; set; } = 1024 * 1024;
}
