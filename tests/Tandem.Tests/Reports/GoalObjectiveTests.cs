using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Programs;
using Tandem.Features.Reports;
using Tandem.Tests.Engagement;
using Tandem.Tests.Goals;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Reports;

/// <summary>
/// Issue 13, goals feed the objectives (ADR 68): an objective measured as the share of the program's started relationships
/// that achieved at least one goal, 0% with a reason while no pair has set one.
/// </summary>
public sealed class GoalObjectiveTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateOnly Today => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime);

    private static object Design(double threshold) => new
    {
        name = "Reading Buddies",
        description = "Year 10 students help Year 7 students read for pleasure.",
        targetAudience = "Year 7 (mentees) and Year 10 (mentors)",
        pairing = "MentorMentee",
        guidelines = "Be kind. Be on time.",
        meetingFormats = new[] { "OneToOne", "InPerson" },
        cadence = "Weekly",
        startsOn = "2027-01-10",
        endsOn = "2027-12-30",
        objectives = new object[] { new { description = "Pairs reach their goals", target = "Half the pairs achieve a goal", measure = "GoalsAchieved", threshold } },
    };

    private static async Task<ObjectiveProgress> ProgressAsync(Pair pair) =>
        Assert.Single((await pair.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{pair.ProgramId}/objectives/progress", Json.Options))!.Objectives);

    [Fact]
    public async Task AGoalsAchievedObjectiveCountsThePairsThatAchievedAGoalAndIsZeroWhileNoneIsSet()
    {
        var pair = await fixture.PairAsync();
        var second = await pair.SecondPairAsync();
        var saved = await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}", Design(50));
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());

        var none = await ProgressAsync(pair);
        Assert.Equal((ObjectiveMeasure.GoalsAchieved, 0.0, false, "0%"), (none.Measure, none.Value!.Value, none.Met!.Value, none.ValueText));
        Assert.Equal("0 of 2 relationships that started: no pair has set a goal yet, so none has achieved one.", none.Explanation);
        Assert.Equal("at least 50%", none.ThresholdText);

        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(2));
        await GoalTests.CreateGoalAsync(await fixture.SignInAsync(pair.OtherMentee), second, Today.AddMonths(2), "Finish a long novel");
        var set = await ProgressAsync(pair);
        Assert.Equal((0.0, false), (set.Value!.Value, set.Met!.Value));
        Assert.Equal("0 of 2 relationships that started have achieved at least one goal (2 set one).", set.Explanation);

        var achieved = await mentee.PutAsJsonAsync($"{GoalTests.Goals(pair.RelationshipId)}/{goal.Id}",
            new { outcome = goal.Outcome, measure = goal.Measure, targetDate = goal.TargetDate.ToString("yyyy-MM-dd"), status = "Achieved" });
        Assert.True(achieved.StatusCode == HttpStatusCode.OK, await achieved.Content.ReadAsStringAsync());
        var half = await ProgressAsync(pair);
        Assert.Equal((50.0, true, "50%"), (half.Value!.Value, half.Met!.Value, half.ValueText));
        Assert.Equal("1 of 2 relationships that started has achieved at least one goal (2 set one).", half.Explanation);
        Assert.Equal(50.0, half.Trend[^1].Value);

        // Not met at a higher bar; a threshold outside 0–100 is refused.
        (await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}", Design(75))).EnsureSuccessStatusCode();
        Assert.False((await ProgressAsync(pair)).Met);
        var refused = await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}", Design(150));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("the threshold for pairs achieving a goal is between 0 and 100", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheProgramEditorOffersGoalsAchievedAsAMeasure()
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var html = await pages.Http.GetStringAsync($"/programs/{pair.ProgramId}/edit");
        Assert.Contains("<option value=\"GoalsAchieved\">Pairs achieving a goal</option>", html);
    }
}
