namespace Tandem.Features.Reports;

/// <summary>
/// A program's goal figures as its dashboard and report show them (ADR 59): goals set (active, achieved, dropped),
/// action items done of all, and open pairs with at least one goal. <see cref="PercentPairsWithGoals"/> is null
/// while the program has no open pair.
/// </summary>
public sealed record GoalFigures(
    int GoalsSet, int GoalsActive, int GoalsAchieved, int GoalsDropped,
    int ActionItemsDone, int ActionItems, int ActionItemsPercentDone,
    int OpenPairs, int PairsWithGoals, int? PercentPairsWithGoals)
{
    public static readonly GoalFigures None = new(0, 0, 0, 0, 0, 0, 0, 0, 0, null);
}

/// <summary>
/// The program's goal counts for the dashboard, implemented by Goals (its program progress query, one statement of
/// counts), so Reports does not read Goals' tables. The caller has already checked the actor manages the program.
/// </summary>
public interface IProgramGoalFigures
{
    Task<GoalFigures> CountAsync(Guid programId, CancellationToken ct);

    /// <summary>Each relationship of the program that has set a goal: when it set its first and achieved its first (ADR 68).</summary>
    Task<IReadOnlyList<PairGoalDates>> PairDatesAsync(Guid programId, CancellationToken ct);
}

/// <summary>A relationship's first goal set and first goal achieved (null while none is achieved), for the goals-achieved measure.</summary>
public sealed record PairGoalDates(Guid RelationshipId, DateTime FirstSetAt, DateTime? FirstAchievedAt);
