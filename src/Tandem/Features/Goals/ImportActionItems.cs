using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tandem.Data;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Goals;

/// <summary>
/// A member imports action items (and, from Trello, checklist items as milestones) into one of the pair's goals from a
/// Trello board export or an Asana CSV (docs/formats.md). All or nothing: a file with any problem is refused with 422
/// naming every problem and nothing is written; a valid file is written in one transaction.
/// </summary>
public sealed class ImportActionItems(TandemDb db, GoalAccess access, PairGoals goals, IOptions<GoalOptions> options, TimeProvider clock)
{
    public long MaxFileBytes => options.Value.MaxImportBytes;

    public string TooLargeMessage => $"An import file may be at most {MaxFileBytes / 1024} KB.";

    /// <summary>Whether the caller may import into the goal: asked before a byte of the body is read, so a stranger gets 404 whatever the size.</summary>
    public async Task<Failure?> RefusalAsync(Actor actor, Guid relationshipId, Guid goalId, string? format, CancellationToken ct = default)
    {
        var scope = await access.EditAsync(actor, relationshipId, ct);
        if (scope.Failure is { } failure)
        {
            return failure;
        }
        if (format is not (ActionItemFiles.Trello or ActionItemFiles.Asana))
        {
            return Invalid.Field("format", "Say which format the file is in: format=trello (a board's JSON export) or format=asana (a CSV).");
        }
        return await db.Set<Goal>().AnyAsync(g => g.Id == goalId && g.RelationshipId == relationshipId, ct)
            ? null
            : new NotFound(PairGoals.NoGoal);
    }

    public async Task<Outcome<ActionItemImportResult>> RunAsync(Actor actor, Guid relationshipId, Guid goalId, string? format, byte[] file, CancellationToken ct = default)
    {
        if (await RefusalAsync(actor, relationshipId, goalId, format, ct) is { } refused)
        {
            return refused;
        }
        if (file.LongLength > MaxFileBytes)
        {
            return new TooLarge(TooLargeMessage);
        }
        if (ActionItemFiles.Decode(file) is not { } text)
        {
            return new GoalFileInvalid(["The file is not text: UTF-8, or UTF-16 with a byte-order mark, without NUL characters (byte 0)."]);
        }
        var board = format == ActionItemFiles.Trello ? ActionItemFiles.ReadTrello(text) : ActionItemFiles.ReadAsana(text);
        // The relationship may have ended (or its program been anonymised) since the check above: that refusal, not a 500.
        var editable = await access.EditAsync(actor, relationshipId, ct);
        if (editable.Failure is { } gone)
        {
            return gone;
        }
        var scope = editable.Value!;
        // Deleted since the check above: the same 404 as before it (ADR 94).
        var goal = await db.Set<Goal>().SingleOrDefaultAsync(g => g.Id == goalId, ct);
        if (goal is null)
        {
            return new NotFound(PairGoals.NoGoal);
        }
        var problems = board.Problems.ToList();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var assignees = new List<Guid>();
        var me = scope.Members.First(m => m.UserId == actor.UserId);
        // Partners do not see each other's addresses (ADR 59): a partner is matched by name only, and an address only when it
        // is the importer's own, so a guessed address of a partner is refused exactly as a stranger's is.
        bool Mine(string? address) => address is not null && string.Equals(me.Email, address, StringComparison.OrdinalIgnoreCase);
        foreach (var (item, i) in board.Items.Select((item, i) => (item, i + 1)))
        {
            var member = item.Assignee is null && item.AssigneeEmail is null
                ? me
                : scope.Members.FirstOrDefault(m => string.Equals(m.DisplayName, item.Assignee, StringComparison.CurrentCultureIgnoreCase))
                    ?? (Mine(item.Assignee) || Mine(item.AssigneeEmail) ? me : null);
            if (member is null)
            {
                // Trello names people by their Trello name: an unknown one is the importer's; Asana's assignee is meant to be a person here.
                if (format == ActionItemFiles.Trello)
                {
                    member = me;
                }
                else
                {
                    problems.Add($"Task {i} (\"{item.Title}\"): the assignee \"{item.Assignee ?? item.AssigneeEmail}\" is not a member of this pair or group; "
                        + "use a member's name as Tandem shows it (or your own e-mail address), or leave it empty for yourself.");
                    continue;
                }
            }
            if (item.DueOn is { } due && (due.Year < 2000 || due > today.AddYears(PairGoals.YearsAhead)))
            {
                problems.Add($"Task {i} (\"{item.Title}\"): the due date {due:yyyy-MM-dd} is not between 2000 and {PairGoals.YearsAhead} years from today.");
            }
            assignees.Add(member.UserId);
        }
        // The goal's limits are counted behind its row lock, in the transaction that writes (ADR 110): an item or milestone
        // another request adds meanwhile is counted, so two imports (or an import and an add) cannot pass the limit together.
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await PairGoals.LockGoalAsync(db, goalId, ct))
        {
            return new NotFound(PairGoals.NoGoal);
        }
        var existingItems = await db.Set<ActionItem>().CountAsync(a => a.GoalId == goalId, ct);
        if (existingItems + board.Items.Count > Goal.ActionItemsMax)
        {
            problems.Add($"The goal has {existingItems} action items and the file {board.Items.Count}; a goal holds at most {Goal.ActionItemsMax}.");
        }
        var existingMilestones = await db.Set<Milestone>().CountAsync(m => m.GoalId == goalId, ct);
        if (existingMilestones + board.Milestones.Count > Goal.MilestonesMax)
        {
            problems.Add($"The goal has {existingMilestones} milestones and the file {board.Milestones.Count} checklist items; a goal holds at most {Goal.MilestonesMax}.");
        }
        if (problems.Count > 0)
        {
            return new GoalFileInvalid(problems);
        }
        var next = new Dictionary<ActionItemState, int>();
        foreach (var state in Enum.GetValues<ActionItemState>())
        {
            next[state] = await goals.NextPositionAsync(goalId, state, ct);
        }
        db.AddRange(board.Items.Select((item, i) => new ActionItem(goalId, relationshipId, goal.ProgramId, item.Title, item.Notes, assignees[i], item.DueOn,
            item.State, next[item.State]++, now)));
        db.AddRange(board.Milestones.Select(m => new Milestone(goalId, m.Title, m.DueOn is { } d && d <= goal.TargetDate ? d : null, m.Done ? now : null)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new ActionItemImportResult(goalId, format!, board.Items.Count, board.Milestones.Count);
    }
}

/// <summary>A goal's action items as a file for Trello (board JSON) or Asana (CSV); members and the program's coordinators.</summary>
public sealed class ExportActionItems(PairGoals goals)
{
    public sealed record File(byte[] Bytes, string ContentType, string Name);

    public async Task<Outcome<File>> RunAsync(Actor actor, Guid relationshipId, Guid goalId, string? format, CancellationToken ct = default)
    {
        if (format is not (ActionItemFiles.Trello or ActionItemFiles.Asana))
        {
            return Invalid.Field("format", "Say which format: format=trello (board JSON) or format=asana (CSV).");
        }
        var goal = await goals.GetAsync(actor, relationshipId, goalId, ct);
        if (goal.Failure is { } failure)
        {
            return failure;
        }
        return format == ActionItemFiles.Trello
            ? new File(ActionItemFiles.WriteTrello(goal.Value!), "application/json", $"goal-{goalId:N}-trello.json")
            : new File(await ActionItemFiles.WriteAsanaAsync(goal.Value!, ct), "text/csv", $"goal-{goalId:N}-asana.csv");
    }
}
