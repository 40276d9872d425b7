namespace Tandem.Features.Goals;

public enum GoalStatus { Active, Achieved, Dropped }

/// <summary>The board's columns: an action item is to do, being done, or done.</summary>
public enum ActionItemState { ToDo, Doing, Done }

/// <summary>
/// A SMART goal a pair or group sets itself (issue 13, ADR 59): the specific outcome, how they will measure it and the
/// date they aim for, with milestones on the way and action items assigned to its members. The program id is kept on the
/// goal and its action items so that a program's progress is counted from an index, not by joining every relationship.
/// </summary>
public sealed class Goal
{
    public const int OutcomeMax = 500;
    public const int MeasureMax = 500;
    public const int MilestonesMax = 20;
    public const int ActionItemsMax = 200;
    public const int GoalsPerRelationshipMax = 50;

    private Goal() { }

    public Goal(Guid relationshipId, Guid programId, string outcome, string measure, DateOnly targetDate, Guid createdByUserId, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        RelationshipId = relationshipId;
        ProgramId = programId;
        Outcome = outcome;
        Measure = measure;
        TargetDate = targetDate;
        Status = GoalStatus.Active;
        CreatedByUserId = createdByUserId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid ProgramId { get; private set; }

    /// <summary>Specific: what the pair wants to be true.</summary>
    public string Outcome { get; private set; } = "";

    /// <summary>Measurable: how they will know.</summary>
    public string Measure { get; private set; } = "";

    /// <summary>Time-bound: the date they aim for.</summary>
    public DateOnly TargetDate { get; private set; }
    public GoalStatus Status { get; private set; }
    public Guid CreatedByUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? UpdatedAt { get; private set; }

    /// <summary>When the goal was marked achieved or dropped; null while active.</summary>
    public DateTime? ClosedAt { get; private set; }

    public void Change(string outcome, string measure, DateOnly targetDate, GoalStatus status, DateTime at)
    {
        Outcome = outcome;
        Measure = measure;
        TargetDate = targetDate;
        if (status != Status)
        {
            ClosedAt = status == GoalStatus.Active ? null : at;
        }
        Status = status;
        UpdatedAt = at;
    }
}

/// <summary>A checkpoint on the way to a goal, ticked when reached.</summary>
public sealed class Milestone
{
    public const int TitleMax = 200;

    private Milestone() { }

    public Milestone(Guid goalId, string title, DateOnly? dueOn, DateTime? doneAt)
    {
        Id = Guid.CreateVersion7();
        GoalId = goalId;
        Title = title;
        DueOn = dueOn;
        DoneAt = doneAt;
    }

    public Guid Id { get; private set; }
    public Guid GoalId { get; private set; }
    public string Title { get; private set; } = "";
    public DateOnly? DueOn { get; private set; }
    public DateTime? DoneAt { get; private set; }

    public void Change(string title, DateOnly? dueOn, bool done, DateTime at)
    {
        Title = title;
        DueOn = dueOn;
        DoneAt = done ? DoneAt ?? at : null;
    }
}

/// <summary>One thing a member of the relationship will do towards a goal, by a date, on the board's columns.</summary>
public sealed class ActionItem
{
    public const int TitleMax = 200;
    public const int NotesMax = 2000;

    private ActionItem() { }

    public ActionItem(Guid goalId, Guid relationshipId, Guid programId, string title, string? notes, Guid assigneeUserId, DateOnly? dueOn,
        ActionItemState state, int position, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        GoalId = goalId;
        RelationshipId = relationshipId;
        ProgramId = programId;
        Title = title;
        Notes = notes;
        AssigneeUserId = assigneeUserId;
        DueOn = dueOn;
        Position = position;
        CreatedAt = createdAt;
        MoveTo(state, position, createdAt);
    }

    public Guid Id { get; private set; }
    public Guid GoalId { get; private set; }
    public Guid RelationshipId { get; private set; }
    public Guid ProgramId { get; private set; }
    public string Title { get; private set; } = "";
    public string? Notes { get; private set; }
    public Guid AssigneeUserId { get; private set; }
    public DateOnly? DueOn { get; private set; }
    public ActionItemState State { get; private set; }

    /// <summary>Order within its column, smallest first.</summary>
    public int Position { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? DoneAt { get; private set; }

    public void Change(string title, string? notes, Guid assigneeUserId, DateOnly? dueOn)
    {
        Title = title;
        Notes = notes;
        AssigneeUserId = assigneeUserId;
        DueOn = dueOn;
    }

    public void MoveTo(ActionItemState state, int position, DateTime at)
    {
        if (state == ActionItemState.Done && State != ActionItemState.Done)
        {
            DoneAt = at;
        }
        else if (state != ActionItemState.Done)
        {
            DoneAt = null;
        }
        State = state;
        Position = position;
    }
}
