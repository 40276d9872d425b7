using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Goals;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Goals;

/// <summary>
/// Goal writes refused when the program's data were anonymised (ADR 108, ADR 125) and when the relationship ended while an
/// import was being read: 409, nothing stored.
/// </summary>
public sealed class GoalWritesRefusedTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    internal const string Retained = "This program's data has been anonymised after it closed, so its goals, milestones and action items take no more changes.";

    private DateOnly Today => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime);

    private Task<int> AnonymiseAsync(Pair pair) => fixture.WithScopeAsync(async s =>
    {
        // As the retention job records its pass (ADR 49); the relationship is left active, as one from before ADR 109 was.
        var db = s.GetRequiredService<TandemDb>();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", now.AddYears(-2), 24, "test", now));
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task AfterRetentionAnActiveRelationshipTakesNoGoalMilestoneActionItemOrImport()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(3));
        var goals = GoalTests.Goals(pair.RelationshipId);
        await AnonymiseAsync(pair);

        var refused = new[]
        {
            await mentee.PostAsJsonAsync(goals, new { outcome = "Kept forever?", measure = "Kept forever?", targetDate = Today.AddMonths(3).ToString("yyyy-MM-dd") }),
            await mentee.PostAsJsonAsync($"{goals}/{goal.Id}/milestones", new { title = "Kept forever?" }),
            await mentee.PostAsJsonAsync($"{goals}/{goal.Id}/action-items", new { title = "Kept forever?" }),
            await mentee.PostAsync($"{goals}/{goal.Id}/action-items/import?format=asana",
                new ByteArrayContent(Encoding.UTF8.GetBytes("Name\nKept forever?\n")) { Headers = { ContentType = new("text/csv") } }),
        };

        Assert.All(refused, r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        foreach (var response in refused)
        {
            Assert.Contains(Retained, await response.Content.ReadAsStringAsync());
        }
        var left = Assert.Single((await mentee.GetFromJsonAsync<Paged<GoalView>>(goals, Json.Options))!.Items);
        Assert.Equal((goal.Id, 0, 0), (left.Id, left.Milestones.Count, left.ActionItems.Count));
    }

    [Fact]
    public async Task AnImportIntoARelationshipThatEndedWhileTheFileWasReadIsRefusedNotAnError()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(3));

        // The relationship ends just after the import's first look (its check that the goal is there).
        var imported = await DeletedMeanwhile.RunAsync<ImportActionItems, Outcome<ActionItemImportResult>>(fixture.Tandem,
            db => db.Set<Relationship>().Where(r => r.Id == pair.RelationshipId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RelationshipStatus.Completed)),
            x => x.RunAsync(new Actor(pair.Mentee.Id, false), pair.RelationshipId, goal.Id, ActionItemFiles.Asana, Encoding.UTF8.GetBytes("Name\nReturn the book\n")),
            beforeReading: "Goals");

        Assert.Equal("This relationship has ended; its goals can no longer change.", Assert.IsType<Conflict>(imported.Failure).Detail);
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ActionItem>().CountAsync(a => a.GoalId == goal.Id)));
    }
}
