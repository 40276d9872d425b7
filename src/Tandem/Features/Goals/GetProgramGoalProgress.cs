using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Features.Reports;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;

namespace Tandem.Features.Goals;

/// <summary>
/// Goal progress across a program for its coordinators (ADR 59): goals per status, action items per column and the share
/// done, pairs with and without a goal, as one statement of counts read from the (ProgramId, Status/State) indexes; and a
/// page of open pairs, newest first from the relationships' (ProgramId, CreatedAt, Id) index, counted for that page only.
/// The same statement feeds the program dashboard and report (<see cref="IProgramGoalFigures"/>).
/// </summary>
public sealed class GetProgramGoalProgress(TandemDb db, ProgramAccess programs) : IProgramGoalFigures
{
    public const string OnlyCoordinators = "Only the program's coordinators follow its goal progress.";

    public async Task<Outcome<ProgramGoalProgress>> RunAsync(Actor actor, Guid programId, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        return await ProgressAsync(programId, ct);
    }

    /// <summary>For the dashboard and report, whose use cases have already checked the actor manages the program.</summary>
    public async Task<GoalFigures> CountAsync(Guid programId, CancellationToken ct)
    {
        var p = await ProgressAsync(programId, ct);
        var items = p.ActionItemsToDo + p.ActionItemsDoing + p.ActionItemsDone;
        return new GoalFigures(p.GoalsActive + p.GoalsAchieved + p.GoalsDropped, p.GoalsActive, p.GoalsAchieved, p.GoalsDropped,
            p.ActionItemsDone, items, p.ActionItemsPercentDone, p.OpenRelationships, p.RelationshipsWithGoals,
            p.OpenRelationships == 0 ? null : GoalProgress.Percent(p.RelationshipsWithGoals, p.OpenRelationships));
    }

    /// <summary>One grouped read of the program's goals (ProgramId index): a goal achieved is one whose status is Achieved, since it closed.</summary>
    public async Task<IReadOnlyList<PairGoalDates>> PairDatesAsync(Guid programId, CancellationToken ct) =>
        await db.Set<Goal>().Where(g => g.ProgramId == programId)
            .GroupBy(g => g.RelationshipId)
            .Select(g => new PairGoalDates(g.Key, g.Min(x => x.CreatedAt), g.Min(x => x.Status == GoalStatus.Achieved ? x.ClosedAt : null)))
            .ToListAsync(ct);

    private async Task<ProgramGoalProgress> ProgressAsync(Guid programId, CancellationToken ct)
    {
        var goals = db.Set<Goal>().Where(g => g.ProgramId == programId);
        var items = db.Set<ActionItem>().Where(a => a.ProgramId == programId);
        var open = db.Set<Relationship>().Where(r => r.ProgramId == programId
            && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused));
        var counts = await db.Programs.Where(p => p.Id == programId).Select(p => new
        {
            Open = open.Count(),
            WithGoals = open.Count(r => db.Set<Goal>().Any(g => g.RelationshipId == r.Id)),
            Active = goals.Count(g => g.Status == GoalStatus.Active),
            Achieved = goals.Count(g => g.Status == GoalStatus.Achieved),
            Dropped = goals.Count(g => g.Status == GoalStatus.Dropped),
            ToDo = items.Count(a => a.State == ActionItemState.ToDo),
            Doing = items.Count(a => a.State == ActionItemState.Doing),
            Done = items.Count(a => a.State == ActionItemState.Done),
        }).SingleAsync(ct);
        return new ProgramGoalProgress(programId, counts.Open, counts.WithGoals, counts.Open - counts.WithGoals,
            counts.Active, counts.Achieved, counts.Dropped, counts.ToDo, counts.Doing, counts.Done,
            GoalProgress.Percent(counts.Done, counts.ToDo + counts.Doing + counts.Done));
    }

    /// <summary>A page of the program's open pairs with their goal counts; <paramref name="withoutGoals"/> lists only pairs that have none.</summary>
    public async Task<Outcome<Paged<PairGoalProgress>>> PairsAsync(Actor actor, Guid programId, bool withoutGoals, int page, int pageSize, CancellationToken ct = default)
    {
        if ((await programs.FindManagedAsync(actor, programId, ct, OnlyCoordinators, tracked: false)).Failure is { } failure)
        {
            return failure;
        }
        var paging = PageRequest.Clamp(page, pageSize);
        var open = db.Set<Relationship>().Where(r => r.ProgramId == programId
            && (r.Status == RelationshipStatus.Active || r.Status == RelationshipStatus.Paused));
        if (withoutGoals)
        {
            open = open.Where(r => !db.Set<Goal>().Any(g => g.RelationshipId == r.Id));
        }
        var total = await open.CountAsync(ct);
        var rows = await open.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Page(paging)
            .Select(r => new
            {
                r.Id, r.StartsOn,
                Goals = db.Set<Goal>().Count(g => g.RelationshipId == r.Id),
                Achieved = db.Set<Goal>().Count(g => g.RelationshipId == r.Id && g.Status == GoalStatus.Achieved),
                Items = db.Set<ActionItem>().Count(a => a.RelationshipId == r.Id),
                Done = db.Set<ActionItem>().Count(a => a.RelationshipId == r.Id && a.State == ActionItemState.Done),
            }).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var names = (await db.Set<RelationshipMember>().Where(m => ids.Contains(m.RelationshipId))
                .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m.RelationshipId, m.Role, u.DisplayName }).ToListAsync(ct))
            .OrderBy(m => m.Role == ProgramRole.Mentor ? 0 : 1).ThenBy(m => m.DisplayName, StringComparer.CurrentCulture)
            .ToLookup(m => m.RelationshipId, m => m.DisplayName);
        return paging.Of(rows.Select(r => new PairGoalProgress(r.Id, r.StartsOn, string.Join(", ", names[r.Id]), r.Goals, r.Achieved, r.Items, r.Done,
            GoalProgress.Percent(r.Done, r.Items))).ToList(), total);
    }
}
