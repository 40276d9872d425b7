using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Goals;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Goals;

/// <summary>
/// A relationship's goal limit and a goal's action-item limit are counted behind a row lock (ADR 110, ADR 125): another
/// request's goal or item committed between the use case's read and its write is counted, so the limit holds.
/// </summary>
public sealed class GoalLimitRaceTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateOnly Today => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime);

    private static Goal AGoal(Pair pair, int i, DateOnly target) =>
        new(pair.RelationshipId, pair.ProgramId, $"Goal {i}", "Measured at check-ins", target, pair.Mentee.Id, DateTime.UtcNow);

    private async Task<int> GoalCountAsync(Pair pair) =>
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Goal>().CountAsync(g => g.RelationshipId == pair.RelationshipId));

    [Fact]
    public async Task AGoalAddedMeanwhileToARelationshipOneBelowTheLimitLeavesTheSecondRefused()
    {
        var pair = await fixture.PairAsync();
        var target = Today.AddMonths(3);
        await fixture.WithScopeAsync(s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.AddRange(Enumerable.Range(1, Goal.GoalsPerRelationshipMax - 1).Select(i => AGoal(pair, i, target)));
            return db.SaveChangesAsync();
        });

        var created = await DeletedMeanwhile.RunAsync<PairGoals, Outcome<GoalView>>(fixture.Tandem,
            db =>
            {
                db.Add(AGoal(pair, Goal.GoalsPerRelationshipMax, target));
                return db.SaveChangesAsync();
            },
            x => x.CreateAsync(new Actor(pair.Mentee.Id, false), pair.RelationshipId,
                new GoalRequest { Outcome = "One goal too many", Measure = "None", TargetDate = target }));

        Assert.Equal($"A relationship has at most {Goal.GoalsPerRelationshipMax} goals; mark some achieved or delete them.",
            Assert.IsType<Conflict>(created.Failure).Detail);
        Assert.Equal(Goal.GoalsPerRelationshipMax, await GoalCountAsync(pair));
    }

    [Fact]
    public async Task AnActionItemAddedMeanwhileIsCountedByAnImportThatWouldPassTheGoalsLimit()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(3));
        ActionItem Item(int i) => new(goal.Id, pair.RelationshipId, pair.ProgramId, $"Item {i}", null, pair.Mentee.Id, null, ActionItemState.ToDo, i, DateTime.UtcNow);
        await fixture.WithScopeAsync(s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.AddRange(Enumerable.Range(0, Goal.ActionItemsMax - 2).Select(Item));
            return db.SaveChangesAsync();
        });

        var imported = await DeletedMeanwhile.RunAsync<ImportActionItems, Outcome<ActionItemImportResult>>(fixture.Tandem,
            db =>
            {
                db.Add(Item(Goal.ActionItemsMax - 2));
                return db.SaveChangesAsync();
            },
            x => x.RunAsync(new Actor(pair.Mentee.Id, false), pair.RelationshipId, goal.Id, ActionItemFiles.Asana, Encoding.UTF8.GetBytes("Name\nReturn the book\nBorrow another\n")));

        var problem = Assert.Single(Assert.IsType<GoalFileInvalid>(imported.Failure).Problems);
        Assert.Equal($"The goal has {Goal.ActionItemsMax - 1} action items and the file 2; a goal holds at most {Goal.ActionItemsMax}.", problem);
        Assert.Equal(Goal.ActionItemsMax - 1,
            await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ActionItem>().CountAsync(a => a.GoalId == goal.Id)));
    }
}
