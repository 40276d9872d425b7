using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Surveys;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Surveys;

/// <summary>
/// Anonymous means anonymous (issue 11, item 2; ADR 24): answering an anonymous survey or putting an anonymous
/// suggestion in the box writes no row, in any table, that links it to the person, and results never show a group
/// of fewer than five. The database is read table by table before and after, on SQLite and on PostgreSQL.
/// </summary>
public sealed class AnonymityTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static void AssertNothingIdentifies(DatabaseRows.Row row, Person person, Guid? invitationId, DateTime at)
    {
        var text = row.ToString();
        var identifying = new List<string> { person.User.Id.ToString(), person.User.Email, person.User.DisplayName, "127.0.0.1", "::1", at.ToString("HH:mm") };
        if (invitationId is { } id)
        {
            identifying.Add(id.ToString());
        }
        foreach (var value in identifying)
        {
            Assert.False(text.Contains(value, StringComparison.OrdinalIgnoreCase), $"{value} is stored with the anonymous answer: {text}");
        }
    }

    [Fact]
    public async Task AnAnonymousAnswerWritesOneUnlinkedRowAndOnlyFlipsTheHasAnsweredFlag()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var survey = await world.CreateAsync(new { template = "MidPoint", trigger = "Now" });
        Assert.True(survey.Anonymous);
        await world.SendAsync(survey.Id);
        var mentee = world.Mentees[0];
        var invitation = (await SurveyProgram.MineAsync(mentee.Client))[0].Id;
        world.Clock.Advance(new TimeSpan(0, 3, 17, 5)); // an answering time that would stand out in any row
        var now = world.Clock.GetUtcNow().UtcDateTime;

        var before = await world.WithScopeAsync(DatabaseRows.ReadAllAsync);
        var answered = await SurveyProgram.AnswerAsync(mentee.Client, invitation, new { overall = 7, match = 4, often = 2, change = "More time" });
        var after = await world.WithScopeAsync(DatabaseRows.ReadAllAsync);
        var (added, changed, removed) = DatabaseRows.Diff(before, after);

        answered.EnsureSuccessStatusCode();
        Assert.Empty(removed);
        // One row added in the whole database (no notification, outbox, session or audit row), the answer itself.
        var answer = Assert.Single(added);
        Assert.Equal("SurveyResponses", answer.Table);
        Assert.Null(answer.Values["UserId"]);
        Assert.Null(answer.Values["InvitationId"]);
        Assert.Null(answer.Values["SubmittedAt"]);
        Assert.Null(answer.Values["Role"]);
        Assert.StartsWith("2027-02-01", answer.Values["Week"]); // the Monday of the week, no time
        Assert.Contains("More time", answer.Values["AnswersJson"]);
        AssertNothingIdentifies(answer, mentee, invitation, now);
        // One row changed: the invitation's "has answered" flag, and nothing else on it (no time, no link).
        var (was, isNow) = Assert.Single(changed);
        Assert.Equal("SurveyInvitations", isNow.Table);
        Assert.Equal(["Answered"], isNow.Values.Where(v => was.Values[v.Key] != v.Value).Select(v => v.Key));
        Assert.Null(isNow.Values["AnsweredAt"]);
        // The answer and the invitation share the survey's id and nothing else (the answer's place among the survey's
        // answers is a count, 1 here, which SQLite's "has answered" 1 may equal by chance).
        var shared = answer.Values.Where(v => v.Key != "Position").Select(v => v.Value).OfType<string>().Select(v => v.ToLowerInvariant())
            .Intersect(isNow.Values.Values.OfType<string>().Select(v => v.ToLowerInvariant()));
        Assert.Equal([survey.Id.ToString()], shared);

        // The respondent cannot read it back either, and a second answer is refused by the flag alone.
        var form = await mentee.Client.GetFromJsonAsync<MySurveyForm>($"/api/v1/me/surveys/{invitation}", Json.Options);
        Assert.True(form!.Answered);
        Assert.Null(form.MyAnswers);
        Assert.Equal(HttpStatusCode.Conflict, (await SurveyProgram.AnswerAsync(mentee.Client, invitation, new { overall = 1, match = 1, often = 1 })).StatusCode);
        var results = await world.Coordinator.GetFromJsonAsync<SurveyResults>($"/api/v1/surveys/{survey.Id}/results", Json.Options);
        Assert.False(results!.Shown);
        Assert.DoesNotContain("More time", await world.Coordinator.GetStringAsync($"/api/v1/surveys/{survey.Id}/results"));
        Assert.Equal(HttpStatusCode.Conflict, (await world.Coordinator.GetAsync($"/api/v1/surveys/{survey.Id}/responses")).StatusCode);
    }

    [Fact]
    public async Task ResultsNeedFiveDifferentPeopleNotFiveAnswersWhenOnePersonAnswersOncePerMeeting()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 5, mentors: 0);
        var survey = await world.CreateAsync(new { template = "MidPoint", trigger = "Now" });
        await world.SendAsync(survey.Id);
        var one = world.Mentees[0];
        // A pulse asks once per meeting held: four more invitations for the same mentee, each answered with a comment.
        await world.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            for (var meeting = 0; meeting < 5; meeting++)
            {
                db.Add(new SurveyInvitation(survey.Id, one.User.Id, ProgramRole.Mentee, Guid.NewGuid(), world.Clock.GetUtcNow().UtcDateTime));
            }
            return await db.SaveChangesAsync();
        });
        var hers = await SurveyProgram.MineAsync(one.Client);
        Assert.Equal(6, hers.Count);
        for (var i = 0; i < 5; i++)
        {
            (await SurveyProgram.AnswerAsync(one.Client, hers[i].Id, new { overall = 3, match = 2, often = 1, change = $"Only-her-comment {i}" })).EnsureSuccessStatusCode();
        }
        var results = $"/api/v1/surveys/{survey.Id}/results";

        // Five answers, one person: nothing is shown.
        var alone = (await world.Coordinator.GetFromJsonAsync<SurveyResults>(results, Json.Options))!;
        Assert.False(alone.Shown);
        Assert.DoesNotContain("Only-her-comment", await world.Coordinator.GetStringAsync(results));

        // The four others answer the ratings only: five people, so the ratings are shown, but her comments (five answers
        // that may all be hers) are not.
        foreach (var other in world.Mentees.Skip(1))
        {
            var invitation = Assert.Single(await SurveyProgram.MineAsync(other.Client)).Id;
            (await SurveyProgram.AnswerAsync(other.Client, invitation, new { overall = 8, match = 4, often = 3 })).EnsureSuccessStatusCode();
        }
        // Results cover answers in steps of five in the order they came in (ADR 99): the first five are all hers, so a
        // tenth answer (her sixth) is needed before the ratings show.
        Assert.False((await world.Coordinator.GetFromJsonAsync<SurveyResults>(results, Json.Options))!.Shown);
        (await SurveyProgram.AnswerAsync(one.Client, hers[5].Id, new { overall = 3, match = 2, often = 1, change = "Only-her-comment 5" })).EnsureSuccessStatusCode();
        var five = (await world.Coordinator.GetFromJsonAsync<SurveyResults>(results, Json.Options))!;
        Assert.True(five.Shown);
        Assert.False(five.Questions.Single(q => q.Id == "overall").Hidden);
        Assert.True(five.Questions.Single(q => q.Id == "change").Hidden);
        Assert.DoesNotContain("Only-her-comment", await world.Coordinator.GetStringAsync(results));
    }

    [Fact]
    public async Task AnAnonymousSuggestionWritesOneRowWithNoAuthorAndNoTime()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var mentee = world.Mentees[0];
        world.Clock.Advance(new TimeSpan(0, 5, 43, 9));
        var now = world.Clock.GetUtcNow().UtcDateTime;

        var before = await world.WithScopeAsync(DatabaseRows.ReadAllAsync);
        var made = await mentee.Client.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/suggestions", new { text = "Could we meet in the library?" });
        var after = await world.WithScopeAsync(DatabaseRows.ReadAllAsync);
        var (added, changed, removed) = DatabaseRows.Diff(before, after);

        made.EnsureSuccessStatusCode();
        Assert.Empty(removed);
        Assert.Empty(changed);
        var suggestion = Assert.Single(added);
        Assert.Equal("Suggestions", suggestion.Table);
        Assert.Null(suggestion.Values["AuthorUserId"]);
        Assert.Null(suggestion.Values["SubmittedAt"]);
        AssertNothingIdentifies(suggestion, mentee, null, now);
    }
}
