using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Goals;
using Tandem.Features.Reports;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Goals;

/// <summary>
/// Issue 13 item 2: a relationship's SMART goals, milestones and action items on a to do / doing / done board; its members
/// change them, the program's coordinators follow them (and cannot change them), anyone else finds nothing.
/// </summary>
public sealed class GoalTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateOnly Today => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime);

    internal static string Goals(Guid relationshipId) => $"/api/v1/relationships/{relationshipId}/goals";

    internal static async Task<GoalView> CreateGoalAsync(HttpClient client, Guid relationshipId, DateOnly target, string outcome = "Read three books for pleasure this term", object? milestones = null)
    {
        var response = await client.PostAsJsonAsync(Goals(relationshipId), new
        {
            outcome, measure = "Books finished, logged at check-ins", targetDate = target.ToString("yyyy-MM-dd"), milestones,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<GoalView>(Json.Options))!;
    }

    internal static async Task<ActionItemView> AddItemAsync(HttpClient client, Guid relationshipId, Guid goalId, string title, Guid? assignee = null, DateOnly? dueOn = null)
    {
        var response = await client.PostAsJsonAsync($"{Goals(relationshipId)}/{goalId}/action-items", new { title, assigneeUserId = assignee, dueOn = dueOn?.ToString("yyyy-MM-dd") });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ActionItemView>(Json.Options))!;
    }

    [Fact]
    public async Task RenamingATickedMilestoneKeepsItTickedAndWhen()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(3),
            milestones: new[] { new { title = "First book finished", dueOn = Today.AddMonths(1).ToString("yyyy-MM-dd") } });
        var milestone = $"{Goals(pair.RelationshipId)}/{goal.Id}/milestones/{goal.Milestones[0].Id}";
        var ticked = (await (await mentee.PutAsJsonAsync(milestone, new { title = "First book finished", done = true })).Content.ReadFromJsonAsync<GoalView>(Json.Options))!;
        var doneAt = ticked.Milestones[0].DoneAt;
        Assert.NotNull(doneAt);
        fixture.Clock.Advance(TimeSpan.FromDays(2));

        var renamed = await mentee.PutAsJsonAsync(milestone, new { title = "First novel finished" });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var after = (await renamed.Content.ReadFromJsonAsync<GoalView>(Json.Options))!.Milestones[0];
        Assert.Equal(("First novel finished", doneAt), (after.Title, after.DoneAt));
        var undone = (await (await mentee.PutAsJsonAsync(milestone, new { title = "First novel finished", done = false })).Content.ReadFromJsonAsync<GoalView>(Json.Options))!;
        Assert.Null(undone.Milestones[0].DoneAt);
    }

    [Fact]
    public async Task ThePairSetsAGoalAndMovesItsActionItemsAcrossTheBoard()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(3),
            milestones: new[] { new { title = "First book finished", dueOn = Today.AddMonths(1).ToString("yyyy-MM-dd") } });
        Assert.Equal(GoalStatus.Active, goal.Status);
        Assert.Equal(pair.Mentee.Id, goal.CreatedByUserId);
        Assert.Equal("First book finished", Assert.Single(goal.Milestones).Title);

        var borrow = await AddItemAsync(mentee, pair.RelationshipId, goal.Id, "Borrow a book", dueOn: Today.AddDays(7));
        var recommend = await AddItemAsync(mentee, pair.RelationshipId, goal.Id, "Recommend three books", assignee: pair.Mentor.Id);
        Assert.Equal((pair.Mentee.Id, "Menna Tee", ActionItemState.ToDo, 0), (borrow.AssigneeUserId, borrow.AssigneeName, borrow.State, borrow.Position));
        Assert.Equal(("Mona Tor", 1), (recommend.AssigneeName, recommend.Position));

        var moved = await mentor.PostAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{recommend.Id}/move", new { state = "Doing" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var done = await mentee.PostAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{borrow.Id}/move", new { state = "Done" });
        Assert.Equal(ActionItemState.Done, (await done.Content.ReadFromJsonAsync<ActionItemView>(Json.Options))!.State);
        var milestone = goal.Milestones[0];
        Assert.Equal(HttpStatusCode.OK, (await mentor.PutAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/milestones/{milestone.Id}",
            new { title = milestone.Title, dueOn = milestone.DueOn, done = true })).StatusCode);

        var board = (await mentor.GetFromJsonAsync<Paged<GoalView>>(Goals(pair.RelationshipId), Json.Options))!;
        var read = Assert.Single(board.Items);
        Assert.Equal((1, 2, 50), (read.ActionItemsDone, read.ActionItemsTotal, read.ProgressPercent));
        Assert.Equal(ActionItemState.Doing, read.ActionItems.Single(a => a.Id == recommend.Id).State);
        Assert.NotNull(read.ActionItems.Single(a => a.Id == borrow.Id).DoneAt);
        Assert.NotNull(read.Milestones[0].DoneAt);

        var achieved = await mentee.PutAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}",
            new { outcome = goal.Outcome, measure = goal.Measure, targetDate = goal.TargetDate, status = "Achieved" });
        Assert.Equal(HttpStatusCode.OK, achieved.StatusCode);
        Assert.NotNull((await achieved.Content.ReadFromJsonAsync<GoalView>(Json.Options))!.ClosedAt);
        Assert.Equal(HttpStatusCode.NoContent, (await mentee.DeleteAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{borrow.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await mentee.DeleteAsync($"{Goals(pair.RelationshipId)}/{goal.Id}")).StatusCode);
        Assert.Equal(0, (await mentee.GetFromJsonAsync<Paged<GoalView>>(Goals(pair.RelationshipId), Json.Options))!.TotalCount);
    }

    [Fact]
    public async Task AMenteeOfAnotherPairSeesNothingAndCoordinatorsReadButCannotEdit()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(2), "Secret goal GOALMARK");
        var item = await AddItemAsync(mentee, pair.RelationshipId, goal.Id, "Private item");
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        var url = Goals(pair.RelationshipId);

        foreach (var stranger in new[] { other, outsider })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{url}/{goal.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{url}/{goal.Id}/action-items/export?format=asana")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync(url, new { outcome = "x", measure = "y", targetDate = Today.AddDays(9) })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"{url}/{goal.Id}/action-items/{item.Id}/move", new { state = "Done" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"{url}/{goal.Id}/action-items/import?format=asana", new StringContent("Name\nx\n", Encoding.UTF8, "text/csv"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"{url}/{goal.Id}")).StatusCode);
            Assert.DoesNotContain("GOALMARK", await (await stranger.GetAsync($"/relationships/{pair.RelationshipId}/goals")).Content.ReadAsStringAsync());
        }

        var coordinator = pair.Coordinator;
        Assert.Contains("GOALMARK", await coordinator.GetStringAsync(url));
        Assert.Contains("GOALMARK", await coordinator.GetStringAsync($"/relationships/{pair.RelationshipId}/goals"));
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsJsonAsync(url, new { outcome = "x", measure = "y", targetDate = Today.AddDays(9) })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PutAsJsonAsync($"{url}/{goal.Id}", new { outcome = "x", measure = "y", targetDate = goal.TargetDate })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsJsonAsync($"{url}/{goal.Id}/action-items", new { title = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsJsonAsync($"{url}/{goal.Id}/action-items/{item.Id}/move", new { state = "Done" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsync($"{url}/{goal.Id}/action-items/import?format=asana", new StringContent("Name\nx\n", Encoding.UTF8, "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.DeleteAsync($"{url}/{goal.Id}")).StatusCode);
        Assert.Equal(ActionItemState.ToDo, (await mentee.GetFromJsonAsync<GoalView>($"{url}/{goal.Id}", Json.Options))!.ActionItems.Single().State);
        // The coordinators' page shows no buttons that would change anything.
        Assert.DoesNotContain("Set the goal", await coordinator.GetStringAsync($"/relationships/{pair.RelationshipId}/goals"));
    }

    [Fact]
    public async Task BadGoalsAndActionItemsAreRefusedNamingTheField()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var url = Goals(pair.RelationshipId);
        async Task<string> Refused(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("targetDate", await Refused(await mentee.PostAsJsonAsync(url, new { outcome = "Read", measure = "Books", targetDate = Today.AddDays(-1) })), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("targetDate", await Refused(await mentee.PostAsJsonAsync(url, new { outcome = "Read", measure = "Books", targetDate = Today.AddYears(6) })), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("outcome", await Refused(await mentee.PostAsJsonAsync(url, new { outcome = new string('x', Goal.OutcomeMax + 1), measure = "Books", targetDate = Today.AddDays(5) })), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("measure", await Refused(await mentee.PostAsJsonAsync(url, new { outcome = "Read", measure = " ", targetDate = Today.AddDays(5) })), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("milestones", await Refused(await mentee.PostAsJsonAsync(url, new
        {
            outcome = "Read", measure = "Books", targetDate = Today.AddDays(5), milestones = new[] { new { title = "Late", dueOn = Today.AddDays(6) } },
        })), StringComparison.OrdinalIgnoreCase);
        await Refused(await mentee.PostAsync(url, new StringContent("{\"outcome\": 5", Encoding.UTF8, "application/json")));
        Assert.Contains("milestones[0]", await Refused(await mentee.PostAsync(url, new StringContent(
            $"{{\"outcome\": \"Read\", \"measure\": \"Books\", \"targetDate\": \"{Today.AddDays(5):yyyy-MM-dd}\", \"milestones\": [null]}}", Encoding.UTF8, "application/json"))));

        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddDays(30));
        var items = $"{url}/{goal.Id}/action-items";
        Assert.Contains("assigneeUserId", await Refused(await mentee.PostAsJsonAsync(items, new { title = "Someone else's", assigneeUserId = pair.OtherMentee.Id })), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("title", await Refused(await mentee.PostAsJsonAsync(items, new { title = new string('y', ActionItem.TitleMax + 1) })), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("dueOn", await Refused(await mentee.PostAsJsonAsync(items, new { title = "Old", dueOn = "1999-12-31" })), StringComparison.OrdinalIgnoreCase);
        await Refused(await mentee.PostAsJsonAsync(items, new { title = "Column", state = "Someday" }));
        var item = await AddItemAsync(mentee, pair.RelationshipId, goal.Id, "Fine");
        await Refused(await mentee.PostAsJsonAsync($"{items}/{item.Id}/move", new { state = "Nowhere" }));
        await Refused(await mentee.PostAsJsonAsync($"{items}/{item.Id}/move", new { state = "Done", position = -1 }));
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsJsonAsync($"{items}/{Guid.NewGuid()}/move", new { state = "Done" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"{url}/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task ACheckInTicksOffActionItemsAndAForeignItemKeepsTheWholeCheckInOut()
    {
        var pair = await fixture.PairAsync();
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var goal = await CreateGoalAsync(mentor, pair.RelationshipId, Today.AddMonths(1));
        var first = await AddItemAsync(mentor, pair.RelationshipId, goal.Id, "Find a quiet room");
        var second = await AddItemAsync(mentor, pair.RelationshipId, goal.Id, "Bring the book");
        var secondPair = await pair.SecondPairAsync();
        var stranger = await fixture.SignInAsync(pair.OtherMentee);
        var foreignGoal = await CreateGoalAsync(stranger, secondPair, Today.AddMonths(1));
        var foreign = await AddItemAsync(stranger, secondPair, foreignGoal.Id, "Another pair's item");
        var checkIns = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var occurredAt = fixture.Clock.GetUtcNow().UtcDateTime.AddHours(-1);

        var refused = await mentor.PostAsJsonAsync(checkIns, new { happened = true, topics = "Rooms", occurredAt, completedActionItemIds = new[] { first.Id, foreign.Id } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("completedActionItemIds", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, (await mentor.GetFromJsonAsync<Paged<CheckInView>>(checkIns, Json.Options))!.TotalCount);
        Assert.Equal(ActionItemState.ToDo, (await stranger.GetFromJsonAsync<GoalView>($"{Goals(secondPair)}/{foreignGoal.Id}", Json.Options))!.ActionItems.Single().State);

        var recorded = await mentor.PostAsJsonAsync(checkIns, new { happened = true, topics = "Rooms", occurredAt, completedActionItemIds = new[] { first.Id } });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var board = (await mentor.GetFromJsonAsync<GoalView>($"{Goals(pair.RelationshipId)}/{goal.Id}", Json.Options))!;
        Assert.Equal(ActionItemState.Done, board.ActionItems.Single(a => a.Id == first.Id).State);
        Assert.Equal(ActionItemState.ToDo, board.ActionItems.Single(a => a.Id == second.Id).State);
        Assert.Equal(50, board.ProgressPercent);
        // A check-in without the list is recorded as before (another contact, so at another time: ADR 121).
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync(checkIns, new { happened = true, topics = "More rooms", occurredAt = occurredAt.AddMinutes(-30) })).StatusCode);
    }

    [Fact]
    public async Task CoordinatorsSeeGoalProgressAcrossTheProgramAndPairsWithoutAGoal()
    {
        var pair = await fixture.PairAsync();
        var secondPair = await pair.SecondPairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(1));
        var achieved = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(2), "Join the library");
        await mentee.PutAsJsonAsync($"{Goals(pair.RelationshipId)}/{achieved.Id}", new { outcome = achieved.Outcome, measure = achieved.Measure, targetDate = achieved.TargetDate, status = "Achieved" });
        var items = new List<ActionItemView>();
        for (var i = 0; i < 4; i++)
        {
            items.Add(await AddItemAsync(mentee, pair.RelationshipId, goal.Id, $"Item {i}"));
        }
        await mentee.PostAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{items[0].Id}/move", new { state = "Done" });
        await mentee.PostAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{items[1].Id}/move", new { state = "Doing" });

        var progress = (await pair.Coordinator.GetFromJsonAsync<ProgramGoalProgress>($"/api/v1/programs/{pair.ProgramId}/goal-progress", Json.Options))!;
        Assert.Equal(new ProgramGoalProgress(pair.ProgramId, 2, 1, 1, 1, 1, 0, 2, 1, 1, 25), progress);
        var without = (await pair.Coordinator.GetFromJsonAsync<Paged<PairGoalProgress>>($"/api/v1/programs/{pair.ProgramId}/goal-progress/pairs?withoutGoals=true", Json.Options))!;
        Assert.Equal(secondPair, Assert.Single(without.Items).RelationshipId);
        var all = (await pair.Coordinator.GetFromJsonAsync<Paged<PairGoalProgress>>($"/api/v1/programs/{pair.ProgramId}/goal-progress/pairs?pageSize=1", Json.Options))!;
        Assert.Equal((2, 1), (all.TotalCount, all.Items.Count));
        var withGoals = (await pair.Coordinator.GetFromJsonAsync<Paged<PairGoalProgress>>($"/api/v1/programs/{pair.ProgramId}/goal-progress/pairs", Json.Options))!
            .Items.Single(p => p.RelationshipId == pair.RelationshipId);
        Assert.Equal((2, 1, 4, 1, 25), (withGoals.Goals, withGoals.GoalsAchieved, withGoals.ActionItems, withGoals.ActionItemsDone, withGoals.PercentDone));
        Assert.Contains("Mona Tor, Menna Tee", withGoals.Members);

        var page = await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/goals");
        Assert.Contains("25% done", page);
        Assert.Contains($"/relationships/{pair.RelationshipId}/goals", page);
        var withoutPage = await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/goals?without=true");
        Assert.Contains($"/relationships/{secondPair}/goals", withoutPage);
        Assert.DoesNotContain($"/relationships/{pair.RelationshipId}/goals", withoutPage);

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{pair.ProgramId}/goal-progress")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{pair.ProgramId}/goal-progress/pairs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(pair.School.Outsider)).GetAsync($"/api/v1/programs/{pair.ProgramId}/goal-progress")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/goal-progress/pairs?pageSize=0")).StatusCode);
    }

    [Fact]
    public async Task ThePairSetsAGoalAndTicksOffAnActionItemWithPlainFormPosts()
    {
        var pair = await fixture.PairAsync();
        var page = await fixture.SignInPagesAsync(pair.Mentee);
        var path = $"/relationships/{pair.RelationshipId}/goals";

        var created = await page.SubmitAsync(path, "goal-new", [new("Outcome", "Read a whole book"), new("Measure", "The last page turned"), new("TargetDate", Today.AddDays(40).ToString("yyyy-MM-dd"))]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("Goal set.", await created.Content.ReadAsStringAsync());
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = (await mentee.GetFromJsonAsync<Paged<GoalView>>(Goals(pair.RelationshipId), Json.Options))!.Items.Single();

        var added = await page.SubmitAsync(path, $"item-{goal.Id}", [new("Title", "Pick the book"), new("AssigneeUserId", pair.Mentor.Id.ToString()), new("DueOn", "")]);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var item = (await mentee.GetFromJsonAsync<GoalView>($"{Goals(pair.RelationshipId)}/{goal.Id}", Json.Options))!.ActionItems.Single();
        Assert.Equal(pair.Mentor.Id, item.AssigneeUserId);

        var ticked = await page.SubmitAsync(path, $"board-{goal.Id}", [new("Action", $"move:{item.Id}:Done")]);
        Assert.Equal(HttpStatusCode.OK, ticked.StatusCode);
        var html = await ticked.Content.ReadAsStringAsync();
        Assert.Contains("1 of 1 action items done (100%)", html);
        Assert.Equal(ActionItemState.Done, (await mentee.GetFromJsonAsync<GoalView>($"{Goals(pair.RelationshipId)}/{goal.Id}", Json.Options))!.ActionItems.Single().State);

        var refused = await page.SubmitAsync(path, $"item-{goal.Id}", [new("Title", "Someone else's"), new("AssigneeUserId", pair.OtherMentee.Id.ToString())]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("current member", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARefusedActionItemOrMilestoneShowsItsFormAgainWithWhatWasTyped()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddDays(40));
        var page = await fixture.SignInPagesAsync(pair.Mentee);
        var path = $"/relationships/{pair.RelationshipId}/goals";
        var due = Today.AddDays(10).ToString("yyyy-MM-dd");

        // An item for someone outside the pair: refused, and the title and due date are still in the form, which is open.
        var item = await page.SubmitAsync(path, $"item-{goal.Id}", [new("Title", "Borrow the atlas"), new("AssigneeUserId", pair.OtherMentee.Id.ToString()), new("DueOn", due)]);
        Assert.Equal(HttpStatusCode.BadRequest, item.StatusCode);
        var html = await item.Content.ReadAsStringAsync();
        Assert.Matches($"id=\"item-title-{goal.Id}\"[^>]*value=\"Borrow the atlas\"", html);
        Assert.Matches($"id=\"item-due-{goal.Id}\"[^>]*value=\"{due}\"", html);
        Assert.Contains("<details open", html);

        // A milestone due after the goal's target date: refused, with its title and date kept.
        var late = Today.AddDays(90).ToString("yyyy-MM-dd");
        var milestone = await page.SubmitAsync(path, $"milestone-{goal.Id}", [new("Title", "Chapter ten"), new("DueOn", late)]);
        Assert.Equal(HttpStatusCode.BadRequest, milestone.StatusCode);
        html = await milestone.Content.ReadAsStringAsync();
        Assert.Matches($"id=\"milestone-title-{goal.Id}\"[^>]*value=\"Chapter ten\"", html);
        Assert.Matches($"id=\"milestone-due-{goal.Id}\"[^>]*value=\"{late}\"", html);
        Assert.DoesNotContain("Borrow the atlas", html);
    }

    [Fact]
    public async Task TheProgramDashboardAndReportShowTheGoalFiguresAndZerosForAProgramWithoutGoals()
    {
        var empty = await fixture.PairAsync();
        var none = (await empty.Coordinator.GetFromJsonAsync<JsonObject>($"/api/v1/programs/{empty.ProgramId}/dashboard", Json.Options))!["goals"].Deserialize<GoalFigures>(Json.Options);
        Assert.Equal(new GoalFigures(0, 0, 0, 0, 0, 0, 0, 1, 0, 0), none);
        Assert.Contains("No goals set yet (0 of 1 pairs have a goal)", await empty.Coordinator.GetStringAsync($"/programs/{empty.ProgramId}/dashboard"));
        Assert.Contains("No goals set yet (0 of 1 pairs have a goal).", await ReportTextAsync(empty.Coordinator, empty.ProgramId));

        var pair = await fixture.PairAsync();
        await pair.SecondPairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(1));
        var achieved = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(2), "Join the library");
        await mentee.PutAsJsonAsync($"{Goals(pair.RelationshipId)}/{achieved.Id}", new { outcome = achieved.Outcome, measure = achieved.Measure, targetDate = achieved.TargetDate, status = "Achieved" });
        var dropped = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(2), "Learn chess");
        await mentee.PutAsJsonAsync($"{Goals(pair.RelationshipId)}/{dropped.Id}", new { outcome = dropped.Outcome, measure = dropped.Measure, targetDate = dropped.TargetDate, status = "Dropped" });
        var items = new List<ActionItemView>();
        for (var i = 0; i < 4; i++)
        {
            items.Add(await AddItemAsync(mentee, pair.RelationshipId, goal.Id, $"Item {i}"));
        }
        await mentee.PostAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{items[0].Id}/move", new { state = "Done" });
        await mentee.PostAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{items[1].Id}/move", new { state = "Done" });
        await mentee.PostAsJsonAsync($"{Goals(pair.RelationshipId)}/{goal.Id}/action-items/{items[2].Id}/move", new { state = "Doing" });

        var figures = (await pair.Coordinator.GetFromJsonAsync<JsonObject>($"/api/v1/programs/{pair.ProgramId}/dashboard", Json.Options))!["goals"].Deserialize<GoalFigures>(Json.Options);
        Assert.Equal(new GoalFigures(3, 1, 1, 1, 2, 4, 50, 2, 1, 50), figures);
        var page = await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/dashboard");
        Assert.Contains("3 (1 active, 1 achieved, 1 dropped)", page);
        Assert.Contains("2 of 4 (50%)", page);
        Assert.Contains("1 of 2 (50%)", page);
        Assert.Contains("Goals set: 3 (1 active, 1 achieved, 1 dropped). Action items done: 2 of 4 (50%). Pairs with a goal: 1 of 2 (50%).",
            await ReportTextAsync(pair.Coordinator, pair.ProgramId));
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{pair.ProgramId}/dashboard")).StatusCode);
    }

    [Fact]
    public async Task AGoalMilestoneOrActionItemDeletedMeanwhileIs404WithTheSentenceOfAPlainMiss()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var actor = new Actor(pair.Mentee.Id, false);
        var r = pair.RelationshipId;
        async Task<GoalView> FreshAsync()
        {
            var goal = await CreateGoalAsync(mentee, r, Today.AddMonths(3), milestones: new[] { new { title = "Half way" } });
            await AddItemAsync(mentee, r, goal.Id, "Borrow a book");
            return (await mentee.GetFromJsonAsync<GoalView>($"{Goals(r)}/{goal.Id}", Json.Options))!;
        }
        Func<TandemDb, Task> GoalGone(GoalView goal) => db => db.Set<Goal>().Where(g => g.Id == goal.Id).ExecuteDeleteAsync();
        Func<TandemDb, Task> ItemGone(GoalView goal) => db => db.Set<ActionItem>().Where(a => a.GoalId == goal.Id).ExecuteDeleteAsync();
        Func<TandemDb, Task> MilestoneGone(GoalView goal) => db => db.Set<Milestone>().Where(m => m.GoalId == goal.Id).ExecuteDeleteAsync();
        Task<T> Meanwhile<TUseCase, T>(Func<TandemDb, Task> other, Func<TUseCase, Task<T>> run) where TUseCase : class =>
            DeletedMeanwhile.RunAsync(fixture.Tandem, other, run);
        GoalRequest Same(GoalView g) => new() { Outcome = "Changed", Measure = g.Measure, TargetDate = g.TargetDate };
        var (a, b, c, d, e, f, g, h, i) = (await FreshAsync(), await FreshAsync(), await FreshAsync(), await FreshAsync(), await FreshAsync(),
            await FreshAsync(), await FreshAsync(), await FreshAsync(), await FreshAsync());

        var updated = await Meanwhile<PairGoals, Outcome<GoalView>>(GoalGone(a), x => x.UpdateAsync(actor, r, a.Id, Same(a)));
        var deleted = await Meanwhile<PairGoals, Failure?>(GoalGone(b), x => x.DeleteAsync(actor, r, b.Id));
        var milestoneAdded = await Meanwhile<PairGoals, Outcome<GoalView>>(GoalGone(c), x => x.AddMilestoneAsync(actor, r, c.Id, new MilestoneRequest { Title = "Later" }));
        var milestoneTicked = await Meanwhile<PairGoals, Outcome<GoalView>>(MilestoneGone(d),
            x => x.UpdateMilestoneAsync(actor, r, d.Id, d.Milestones[0].Id, new MilestoneRequest { Title = "Half way", Done = true }));
        var itemAdded = await Meanwhile<PairGoals, Outcome<ActionItemView>>(GoalGone(e), x => x.AddActionItemAsync(actor, r, e.Id, new ActionItemRequest { Title = "Return it" }));
        var itemChanged = await Meanwhile<PairGoals, Outcome<ActionItemView>>(ItemGone(f),
            x => x.UpdateActionItemAsync(actor, r, f.Id, f.ActionItems[0].Id, new ActionItemRequest { Title = "Borrow two books" }));
        var itemMoved = await Meanwhile<PairGoals, Outcome<ActionItemView>>(ItemGone(g),
            x => x.MoveActionItemAsync(actor, r, g.Id, g.ActionItems[0].Id, new MoveActionItemRequest { State = ActionItemState.Done, Position = 0 }));
        var itemDeleted = await Meanwhile<PairGoals, Failure?>(ItemGone(h), x => x.DeleteActionItemAsync(actor, r, h.Id, h.ActionItems[0].Id));
        var imported = await Meanwhile<ImportActionItems, Outcome<ActionItemImportResult>>(GoalGone(i),
            x => x.RunAsync(actor, r, i.Id, ActionItemFiles.Asana, Encoding.UTF8.GetBytes("Name\nReturn the book\n")));

        Assert.All(new[] { updated.Failure, deleted, milestoneAdded.Failure, itemAdded.Failure, imported.Failure },
            failure => Assert.Equal("This relationship has no goal with this id.", Assert.IsType<NotFound>(failure).Detail));
        Assert.Equal("This goal has no milestone with this id.", Assert.IsType<NotFound>(milestoneTicked.Failure).Detail);
        Assert.All(new[] { itemChanged.Failure, itemMoved.Failure, itemDeleted },
            failure => Assert.Equal("This goal has no action item with this id.", Assert.IsType<NotFound>(failure).Detail));
        var left = (await mentee.GetFromJsonAsync<Paged<GoalView>>(Goals(r), Json.Options))!.Items;
        Assert.Equal([d.Id, f.Id, g.Id, h.Id], left.Select(x => x.Id).Order());
        Assert.All(left, x => Assert.Equal("Read three books for pleasure this term", x.Outcome));
    }

    [Fact]
    public async Task ATargetDateBeforeAMilestonesDueDateIsRefusedNamingItAndAMilestonePastTheTargetCanStillBeTicked()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(3),
            milestones: new[] { new { title = "Half way", dueOn = Today.AddMonths(2).ToString("yyyy-MM-dd") } });
        var url = $"{Goals(pair.RelationshipId)}/{goal.Id}";

        var earlier = await mentee.PutAsJsonAsync(url, new { outcome = goal.Outcome, measure = goal.Measure, targetDate = Today.AddMonths(1).ToString("yyyy-MM-dd") });

        Assert.Equal(HttpStatusCode.BadRequest, earlier.StatusCode);
        Assert.Contains($"The milestone “Half way” is due on {Today.AddMonths(2):yyyy-MM-dd}", await earlier.Content.ReadAsStringAsync());
        Assert.Equal(Today.AddMonths(3), (await mentee.GetFromJsonAsync<GoalView>(url, Json.Options))!.TargetDate);

        // A goal whose target was moved before the milestone while that was still allowed: the milestone is ticked off as it stands.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Goal>().Where(g => g.Id == goal.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(g => g.TargetDate, Today.AddMonths(1))));
        var ticked = await mentee.PutAsJsonAsync($"{url}/milestones/{goal.Milestones[0].Id}", new { title = "Half way", dueOn = Today.AddMonths(2).ToString("yyyy-MM-dd"), done = true });
        Assert.Equal(HttpStatusCode.OK, ticked.StatusCode);
        Assert.NotNull((await ticked.Content.ReadFromJsonAsync<GoalView>(Json.Options))!.Milestones[0].DoneAt);
        // Moving its due date is still checked against the target.
        var moved = await mentee.PutAsJsonAsync($"{url}/milestones/{goal.Milestones[0].Id}", new { title = "Half way", dueOn = Today.AddMonths(2).AddDays(1).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.BadRequest, moved.StatusCode);
    }

    [Fact]
    public async Task TheGoalsPageRefusesADateOrAssigneeItCannotReadKeepingWhatWasTypedAndAnImportKeepsItsFormat()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await CreateGoalAsync(mentee, pair.RelationshipId, Today.AddDays(40));
        var page = await fixture.SignInPagesAsync(pair.Mentee);
        var path = $"/relationships/{pair.RelationshipId}/goals";

        var noDay = await page.SubmitAsync(path, $"item-{goal.Id}", [new("Title", "Borrow the atlas"), new("AssigneeUserId", pair.Mentee.Id.ToString()), new("DueOn", "2027-02-31")]);
        var nobody = await page.SubmitAsync(path, $"item-{goal.Id}", [new("Title", "Borrow the atlas"), new("AssigneeUserId", "abc"), new("DueOn", "")]);
        var milestone = await page.SubmitAsync(path, $"milestone-{goal.Id}", [new("Title", "Chapter ten"), new("DueOn", "someday")]);
        var newGoal = await page.SubmitAsync(path, "goal-new", [new("Outcome", "Read a play"), new("Measure", "The last act"), new("TargetDate", "2027-13-01")]);

        Assert.All(new[] { noDay, nobody, milestone, newGoal }, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        var html = WebUtility.HtmlDecode(await noDay.Content.ReadAsStringAsync());
        Assert.Contains("“2027-02-31” is not a date", html);
        Assert.Matches($"id=\"item-title-{goal.Id}\"[^>]*value=\"Borrow the atlas\"", html);
        Assert.Matches($"id=\"item-due-{goal.Id}\"[^>]*value=\"2027-02-31\"", html);
        Assert.Contains("Choose who does it", WebUtility.HtmlDecode(await nobody.Content.ReadAsStringAsync()));
        html = WebUtility.HtmlDecode(await milestone.Content.ReadAsStringAsync());
        Assert.Contains("“someday” is not a date", html);
        Assert.Matches($"id=\"milestone-title-{goal.Id}\"[^>]*value=\"Chapter ten\"", html);
        Assert.Contains("“2027-13-01” is not a date", WebUtility.HtmlDecode(await newGoal.Content.ReadAsStringAsync()));
        var after = (await mentee.GetFromJsonAsync<Paged<GoalView>>(Goals(pair.RelationshipId), Json.Options))!.Items.Single();
        Assert.Equal((0, 0), (after.ActionItems.Count, after.Milestones.Count));

        // A refused Asana import shows its form open with Asana still chosen.
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await PageClient.AntiforgeryTokenAsync(page.Http, path)), "__RequestVerificationToken" },
            { new StringContent($"import-{goal.Id}"), "_handler" },
            { new StringContent(ActionItemFiles.Asana), "Format" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("Task\nx\n")), "File", "tasks.csv" },
        };
        var import = await page.Http.PostAsync(path, form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, import.StatusCode);
        Assert.Matches($"value=\"{ActionItemFiles.Asana}\" selected", await import.Content.ReadAsStringAsync());
    }

    private static async Task<string> ReportTextAsync(HttpClient coordinator, Guid programId)
    {
        var response = await coordinator.GetAsync($"/api/v1/programs/{programId}/report.pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        return string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
    }
}
