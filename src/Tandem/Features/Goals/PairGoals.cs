using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Goals;

/// <summary>
/// A relationship's goals, milestones and action items (issue 13, ADR 59): the members set and change them, the program's
/// coordinators read them. Every change is one save; a move that shifts a column is one transaction.
/// </summary>
public sealed class PairGoals(TandemDb db, GoalAccess access, Privacy.AuditLog audit, TimeProvider clock)
{
    public const int YearsAhead = 5;
    public const string NoGoal = "This relationship has no goal with this id.";
    public const string NoMilestone = "This goal has no milestone with this id.";
    public const string NoItem = "This goal has no action item with this id.";
    private static readonly DateOnly Earliest = new(2000, 1, 1);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public Task<Outcome<GoalScope>> ScopeAsync(Actor actor, Guid relationshipId, CancellationToken ct = default) => access.ReadAsync(actor, relationshipId, ct);

    public async Task<Outcome<Paged<GoalView>>> ListAsync(Actor actor, Guid relationshipId, int page, int pageSize, CancellationToken ct = default)
    {
        var scope = await access.ReadAsync(actor, relationshipId, ct);
        if (scope.Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var goals = db.Set<Goal>().Where(g => g.RelationshipId == relationshipId);
        var total = await goals.CountAsync(ct);
        var rows = await goals.OrderBy(g => g.Status).ThenBy(g => g.TargetDate).ThenBy(g => g.Id).Page(paging).ToListAsync(ct);
        var views = await ViewsAsync(rows, scope.Value!, ct);
        await AuditStaffReadAsync(actor, scope.Value!, ct);
        return paging.Of(views, total);
    }

    public async Task<Outcome<GoalView>> GetAsync(Actor actor, Guid relationshipId, Guid goalId, CancellationToken ct = default)
    {
        var scope = await access.ReadAsync(actor, relationshipId, ct);
        if (scope.Failure is { } failure)
        {
            return failure;
        }
        var goal = await db.Set<Goal>().SingleOrDefaultAsync(g => g.Id == goalId && g.RelationshipId == relationshipId, ct);
        if (goal is null)
        {
            return new NotFound(NoGoal);
        }
        await AuditStaffReadAsync(actor, scope.Value!, ct);
        return (await ViewsAsync([goal], scope.Value!, ct))[0];
    }

    public async Task<Outcome<GoalView>> CreateAsync(Actor actor, Guid relationshipId, GoalRequest request, CancellationToken ct = default)
    {
        var scope = await access.EditAsync(actor, relationshipId, ct);
        if (scope.Failure is { } failure)
        {
            return failure;
        }
        if (CheckGoal(request, creating: true) is { } invalid)
        {
            return invalid;
        }
        var milestones = request.Milestones ?? [];
        if (milestones.Count > Goal.MilestonesMax)
        {
            return Invalid.Field(nameof(request.Milestones), $"A goal has at most {Goal.MilestonesMax} milestones.");
        }
        foreach (var (milestone, i) in milestones.Select((m, i) => (m, i)))
        {
            if (CheckMilestone(milestone, request.TargetDate!.Value, $"milestones[{i}]") is { } wrong)
            {
                return wrong;
            }
        }
        // The relationship's goals are counted behind its row lock (ADR 110, ADR 125): two goals added at once at the limit
        // less one leave the second refused.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockRelationshipAsync(db, relationshipId, ct);
        if (await db.Set<Goal>().CountAsync(g => g.RelationshipId == relationshipId, ct) >= Goal.GoalsPerRelationshipMax)
        {
            return new Conflict($"A relationship has at most {Goal.GoalsPerRelationshipMax} goals; mark some achieved or delete them.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var goal = new Goal(relationshipId, scope.Value!.ProgramId, request.Outcome!.Trim(), request.Measure!.Trim(), request.TargetDate!.Value, actor.UserId, now);
        db.Add(goal);
        db.AddRange(milestones.Select(m => new Milestone(goal.Id, m.Title!.Trim(), m.DueOn, m.Done == true ? now : null)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await ViewsAsync([goal], scope.Value, ct))[0];
    }

    public async Task<Outcome<GoalView>> UpdateAsync(Actor actor, Guid relationshipId, Guid goalId, GoalRequest request, CancellationToken ct = default)
    {
        var found = await EditableGoalAsync(actor, relationshipId, goalId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (scope, goal) = found.Value;
        if (CheckGoal(request, creating: request.TargetDate != goal.TargetDate) is { } invalid)
        {
            return invalid;
        }
        if (request.Milestones is { Count: > 0 })
        {
            return Invalid.Field(nameof(request.Milestones), "Add or change milestones through the goal's milestones.");
        }
        // A milestone due after the new target date could never be ticked off again (its due date is checked against the target).
        if (request.TargetDate < goal.TargetDate)
        {
            var target = request.TargetDate.Value;
            var later = await db.Set<Milestone>().Where(m => m.GoalId == goalId && m.DueOn > target).OrderByDescending(m => m.DueOn)
                .Select(m => new { m.Title, m.DueOn }).FirstOrDefaultAsync(ct);
            if (later is not null)
            {
                return Invalid.Field(nameof(request.TargetDate),
                    $"The milestone “{later.Title}” is due on {later.DueOn:yyyy-MM-dd}, after this target date: move the milestone first, or choose a later date.");
            }
        }
        goal.Change(request.Outcome!.Trim(), request.Measure!.Trim(), request.TargetDate!.Value, request.Status ?? goal.Status, clock.GetUtcNow().UtcDateTime);
        if (await SaveUnlessGoneAsync(NoGoal, ct) is { } gone)
        {
            return gone;
        }
        return (await ViewsAsync([goal], scope, ct))[0];
    }

    public async Task<Failure?> DeleteAsync(Actor actor, Guid relationshipId, Guid goalId, CancellationToken ct = default)
    {
        var found = await EditableGoalAsync(actor, relationshipId, goalId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        db.Remove(found.Value.Goal);
        return await SaveUnlessGoneAsync(NoGoal, ct);
    }

    public async Task<Outcome<GoalView>> AddMilestoneAsync(Actor actor, Guid relationshipId, Guid goalId, MilestoneRequest request, CancellationToken ct = default)
    {
        var found = await EditableGoalAsync(actor, relationshipId, goalId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (scope, goal) = found.Value;
        if (CheckMilestone(request, goal.TargetDate, "") is { } invalid)
        {
            return invalid;
        }
        // The goal's row is locked first: deleted meanwhile, it is 404 rather than a refused insert (ADR 94), and two adds at
        // once count one after the other.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await LockGoalAsync(db, goalId, ct))
        {
            return new NotFound(NoGoal);
        }
        if (await db.Set<Milestone>().CountAsync(m => m.GoalId == goalId, ct) >= Goal.MilestonesMax)
        {
            return new Conflict($"A goal has at most {Goal.MilestonesMax} milestones.");
        }
        db.Add(new Milestone(goalId, request.Title!.Trim(), request.DueOn, request.Done == true ? clock.GetUtcNow().UtcDateTime : null));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await ViewsAsync([goal], scope, ct))[0];
    }

    public async Task<Outcome<GoalView>> UpdateMilestoneAsync(Actor actor, Guid relationshipId, Guid goalId, Guid milestoneId, MilestoneRequest request, CancellationToken ct = default)
    {
        var found = await EditableGoalAsync(actor, relationshipId, goalId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (scope, goal) = found.Value;
        var milestone = await db.Set<Milestone>().SingleOrDefaultAsync(m => m.Id == milestoneId && m.GoalId == goalId, ct);
        if (milestone is null)
        {
            return new NotFound(NoMilestone);
        }
        // The due date is checked only when it changes: ticking off or renaming a milestone keeps it as it is.
        if (CheckMilestone(request, goal.TargetDate, "", checkDue: request.DueOn != milestone.DueOn) is { } invalid)
        {
            return invalid;
        }
        milestone.Change(request.Title!.Trim(), request.DueOn, request.Done ?? milestone.DoneAt is not null, clock.GetUtcNow().UtcDateTime);
        if (await SaveUnlessGoneAsync(NoMilestone, ct) is { } gone)
        {
            return gone;
        }
        return (await ViewsAsync([goal], scope, ct))[0];
    }

    public async Task<Outcome<GoalView>> DeleteMilestoneAsync(Actor actor, Guid relationshipId, Guid goalId, Guid milestoneId, CancellationToken ct = default)
    {
        var found = await EditableGoalAsync(actor, relationshipId, goalId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        if (await db.Set<Milestone>().Where(m => m.Id == milestoneId && m.GoalId == goalId).ExecuteDeleteAsync(ct) == 0)
        {
            return new NotFound(NoMilestone);
        }
        return (await ViewsAsync([found.Value.Goal], found.Value.Scope, ct))[0];
    }

    public async Task<Outcome<ActionItemView>> AddActionItemAsync(Actor actor, Guid relationshipId, Guid goalId, ActionItemRequest request, CancellationToken ct = default)
    {
        var found = await EditableGoalAsync(actor, relationshipId, goalId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (scope, goal) = found.Value;
        var assignee = request.AssigneeUserId ?? actor.UserId;
        if (CheckActionItem(request, assignee, scope) is { } invalid)
        {
            return invalid;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await LockGoalAsync(db, goalId, ct))
        {
            return new NotFound(NoGoal);
        }
        if (await db.Set<ActionItem>().CountAsync(a => a.GoalId == goalId, ct) >= Goal.ActionItemsMax)
        {
            return new Conflict($"A goal has at most {Goal.ActionItemsMax} action items.");
        }
        var state = request.State ?? ActionItemState.ToDo;
        var position = await NextPositionAsync(goalId, state, ct);
        var item = new ActionItem(goalId, relationshipId, goal.ProgramId, request.Title!.Trim(), Blank(request.Notes), assignee, request.DueOn, state, position,
            clock.GetUtcNow().UtcDateTime);
        db.Add(item);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return item.ToView(scope);
    }

    public async Task<Outcome<ActionItemView>> UpdateActionItemAsync(Actor actor, Guid relationshipId, Guid goalId, Guid itemId, ActionItemRequest request, CancellationToken ct = default)
    {
        var found = await EditableItemAsync(actor, relationshipId, goalId, itemId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (scope, item) = found.Value;
        var assignee = request.AssigneeUserId ?? item.AssigneeUserId;
        if (CheckActionItem(request, assignee, scope) is { } invalid)
        {
            return invalid;
        }
        item.Change(request.Title!.Trim(), Blank(request.Notes), assignee, request.DueOn);
        if (await SaveUnlessGoneAsync(NoItem, ct) is { } gone)
        {
            return gone;
        }
        return item.ToView(scope);
    }

    /// <summary>Moves an item to a column (and a place in it): the items after that place move down one, in the same transaction.</summary>
    public async Task<Outcome<ActionItemView>> MoveActionItemAsync(Actor actor, Guid relationshipId, Guid goalId, Guid itemId, MoveActionItemRequest request, CancellationToken ct = default)
    {
        if (request.State is not { } state || !Enum.IsDefined(state))
        {
            return Invalid.Field(nameof(request.State), "Say which column: ToDo, Doing or Done.");
        }
        if (request.Position is < 0)
        {
            return Invalid.Field(nameof(request.Position), "A position counts from 0.");
        }
        var found = await EditableItemAsync(actor, relationshipId, goalId, itemId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        var (scope, item) = found.Value;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        int position;
        if (request.Position is { } wanted)
        {
            position = wanted;
            await db.Set<ActionItem>()
                .Where(a => a.GoalId == goalId && a.State == state && a.Position >= wanted && a.Id != itemId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Position, a => a.Position + 1), ct);
        }
        else
        {
            position = item.State == state ? item.Position : await NextPositionAsync(goalId, state, ct);
        }
        item.MoveTo(state, position, clock.GetUtcNow().UtcDateTime);
        if (await SaveUnlessGoneAsync(NoItem, ct) is { } gone)
        {
            return gone; // the shift of the column's other items is rolled back with the transaction
        }
        await transaction.CommitAsync(ct);
        return item.ToView(scope);
    }

    public async Task<Failure?> DeleteActionItemAsync(Actor actor, Guid relationshipId, Guid goalId, Guid itemId, CancellationToken ct = default)
    {
        var found = await EditableItemAsync(actor, relationshipId, goalId, itemId, ct);
        if (found.Failure is { } failure)
        {
            return failure;
        }
        db.Remove(found.Value.Item);
        return await SaveUnlessGoneAsync(NoItem, ct);
    }

    private async Task<Outcome<(GoalScope Scope, Goal Goal)>> EditableGoalAsync(Actor actor, Guid relationshipId, Guid goalId, CancellationToken ct)
    {
        var scope = await access.EditAsync(actor, relationshipId, ct);
        if (scope.Failure is { } failure)
        {
            return failure;
        }
        var goal = await db.Set<Goal>().SingleOrDefaultAsync(g => g.Id == goalId && g.RelationshipId == relationshipId, ct);
        return goal is null ? new NotFound(NoGoal) : (scope.Value!, goal);
    }

    private async Task<Outcome<(GoalScope Scope, ActionItem Item)>> EditableItemAsync(Actor actor, Guid relationshipId, Guid goalId, Guid itemId, CancellationToken ct)
    {
        var scope = await access.EditAsync(actor, relationshipId, ct);
        if (scope.Failure is { } failure)
        {
            return failure;
        }
        var item = await db.Set<ActionItem>().SingleOrDefaultAsync(a => a.Id == itemId && a.GoalId == goalId && a.RelationshipId == relationshipId, ct);
        return item is null ? new NotFound(NoItem) : (scope.Value!, item);
    }

    /// <summary>
    /// Locks the goal's row until the transaction ends (a write of a column to itself), false when it is gone: a milestone or
    /// action item added to a goal deleted meanwhile would be refused by its foreign key, a 500.
    /// </summary>
    internal static async Task<bool> LockGoalAsync(TandemDb db, Guid goalId, CancellationToken ct) =>
        await db.Set<Goal>().Where(g => g.Id == goalId).ExecuteUpdateAsync(s => s.SetProperty(g => g.Outcome, g => g.Outcome), ct) == 1;

    /// <summary>
    /// Locks the relationship's row until the transaction ends (a write of a column to itself, as <c>Programs.ProgramLock</c>),
    /// for counting its goals against the limit: PostgreSQL holds the row lock to the commit; SQLite's write lock is the database's.
    /// </summary>
    private static Task<int> LockRelationshipAsync(TandemDb db, Guid relationshipId, CancellationToken ct) =>
        db.Set<Relationships.Relationship>().Where(r => r.Id == relationshipId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, r => r.Status), ct);

    /// <summary>Saves a change or a delete; a row deleted since it was read is 404 with the sentence of a plain miss (ADR 94).</summary>
    private async Task<NotFound?> SaveUnlessGoneAsync(string missing, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.IsLostUpdate())
        {
            db.ChangeTracker.Clear();
            return new NotFound(missing);
        }
    }

    internal async Task<int> NextPositionAsync(Guid goalId, ActionItemState state, CancellationToken ct) =>
        (await db.Set<ActionItem>().Where(a => a.GoalId == goalId && a.State == state).MaxAsync(a => (int?)a.Position, ct) ?? -1) + 1;

    private Invalid? CheckGoal(GoalRequest request, bool creating)
    {
        if (string.IsNullOrWhiteSpace(request.Outcome))
        {
            return Invalid.Field(nameof(request.Outcome), "Say what the goal is: the specific outcome you want.");
        }
        if (request.Outcome.Trim().Length > Goal.OutcomeMax)
        {
            return Invalid.Field(nameof(request.Outcome), $"The outcome is at most {Goal.OutcomeMax} characters.");
        }
        if (string.IsNullOrWhiteSpace(request.Measure))
        {
            return Invalid.Field(nameof(request.Measure), "Say how you will measure it.");
        }
        if (request.Measure.Trim().Length > Goal.MeasureMax)
        {
            return Invalid.Field(nameof(request.Measure), $"The measure is at most {Goal.MeasureMax} characters.");
        }
        if (request.TargetDate is not { } target)
        {
            return Invalid.Field(nameof(request.TargetDate), "Give the goal a target date.");
        }
        if (creating && target < Today)
        {
            return Invalid.Field(nameof(request.TargetDate), "The target date cannot be in the past.");
        }
        if (target > Today.AddYears(YearsAhead))
        {
            return Invalid.Field(nameof(request.TargetDate), $"The target date is at most {YearsAhead} years ahead.");
        }
        if (request.Status is { } status && !Enum.IsDefined(status))
        {
            return Invalid.Field(nameof(request.Status), "The status is Active, Achieved or Dropped.");
        }
        return null;
    }

    private Invalid? CheckMilestone(MilestoneRequest request, DateOnly targetDate, string prefix, bool checkDue = true)
    {
        var field = prefix.Length == 0 ? nameof(request.Title) : $"{prefix}.{nameof(request.Title)}";
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            return Invalid.Field(field, "Give the milestone a title.");
        }
        if (request.Title.Trim().Length > Milestone.TitleMax)
        {
            return Invalid.Field(field, $"A milestone's title is at most {Milestone.TitleMax} characters.");
        }
        var due = prefix.Length == 0 ? nameof(request.DueOn) : $"{prefix}.{nameof(request.DueOn)}";
        if (checkDue && request.DueOn is { } on && (on < Earliest || on > targetDate))
        {
            return Invalid.Field(due, "A milestone is due on or before the goal's target date.");
        }
        return null;
    }

    private Invalid? CheckActionItem(ActionItemRequest request, Guid assignee, GoalScope scope)
    {
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            return Invalid.Field(nameof(request.Title), "Say what is to be done.");
        }
        if (request.Title.Trim().Length > ActionItem.TitleMax)
        {
            return Invalid.Field(nameof(request.Title), $"An action item's title is at most {ActionItem.TitleMax} characters.");
        }
        if (request.Notes?.Length > ActionItem.NotesMax)
        {
            return Invalid.Field(nameof(request.Notes), $"Notes are at most {ActionItem.NotesMax} characters.");
        }
        if (scope.Members.All(m => m.UserId != assignee))
        {
            return Invalid.Field(nameof(request.AssigneeUserId), "An action item is assigned to a current member of this pair or group.");
        }
        if (request.DueOn is { } due && (due < Earliest || due > Today.AddYears(YearsAhead)))
        {
            return Invalid.Field(nameof(request.DueOn), $"The due date is between {Earliest:yyyy-MM-dd} and {YearsAhead} years from today.");
        }
        if (request.State is { } state && !Enum.IsDefined(state))
        {
            return Invalid.Field(nameof(request.State), "The column is ToDo, Doing or Done.");
        }
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The goals with their milestones and items: two queries for any number of goals.</summary>
    internal async Task<List<GoalView>> ViewsAsync(List<Goal> goals, GoalScope scope, CancellationToken ct)
    {
        var ids = goals.Select(g => g.Id).ToList();
        var milestones = (await db.Set<Milestone>().Where(m => ids.Contains(m.GoalId)).ToListAsync(ct))
            .OrderBy(m => m.DueOn ?? DateOnly.MaxValue).ThenBy(m => m.Id).ToLookup(m => m.GoalId);
        var items = (await db.Set<ActionItem>().Where(a => ids.Contains(a.GoalId)).ToListAsync(ct))
            .OrderBy(a => a.State).ThenBy(a => a.Position).ThenBy(a => a.Id).ToLookup(a => a.GoalId);
        return goals.Select(g =>
        {
            var mine = items[g.Id].ToList();
            var done = mine.Count(a => a.State == ActionItemState.Done);
            return new GoalView(g.Id, g.RelationshipId, g.Outcome, g.Measure, g.TargetDate, g.Status, g.CreatedByUserId, g.CreatedAt, g.UpdatedAt, g.ClosedAt,
                done, mine.Count, GoalProgress.Percent(done, mine.Count),
                milestones[g.Id].Select(m => new MilestoneView(m.Id, m.Title, m.DueOn, m.DoneAt)).ToList(),
                mine.Select(a => a.ToView(scope)).ToList());
        }).ToList();
    }

    private async Task AuditStaffReadAsync(Actor actor, GoalScope scope, CancellationToken ct)
    {
        if (!scope.IsMember)
        {
            // Staff following a pair's goals: a minor's relationship record is logged, as its check-ins are (ADR 40).
            await audit.RecordAsync(actor, scope.Members.Select(m => m.UserId).ToList(), Privacy.AuditRecord.Relationship, scope.RelationshipId, scope.ProgramId,
                "Reading a relationship's goals", ct);
        }
    }
}

public static class GoalProgress
{
    /// <summary>Whole per cent of items done, rounded down (0 when there are none), so 100 means every item is done.</summary>
    public static int Percent(int done, int total) => total == 0 ? 0 : (int)(done * 100L / total);

    public static ActionItemView ToView(this ActionItem a, GoalScope scope) => new(
        a.Id, a.GoalId, a.Title, a.Notes, a.AssigneeUserId,
        scope.Members.FirstOrDefault(m => m.UserId == a.AssigneeUserId)?.DisplayName ?? "A former member",
        a.DueOn, a.State, a.Position, a.DoneAt);
}
