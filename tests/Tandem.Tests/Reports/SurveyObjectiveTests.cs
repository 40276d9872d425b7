using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Programs;
using Tandem.Features.Reports;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Surveys;

namespace Tandem.Tests.Reports;

/// <summary>An objective measured by a survey question's mean answer, hidden below 5 answers like the survey's results.</summary>
public sealed class SurveyObjectiveTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ASurveyQuestionObjectiveShowsTheMeanAnswerFromFiveAnswers()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 5, mentors: 0);
        var survey = await world.CreateAsync(new
        {
            title = "How is it going?", anonymous = true, audience = new[] { "Mentee" }, trigger = "Now",
            questions = new object[] { new { id = "useful", type = "Rating", prompt = "How useful is your mentor?", required = true } },
        });
        await world.SendAsync(survey.Id);
        var design = new
        {
            name = "Reading Buddies", pairing = "MentorMentee", meetingFormats = new[] { "OneToOne" }, cadence = "Weekly",
            objectives = new object[]
            {
                new { description = "Mentors help", target = "Usefulness of 7 of 10 or more", measure = "SurveyItem", threshold = 7, surveyId = survey.Id, questionId = "useful" },
                new { description = "Wrong question", target = "Usefulness of 7 of 10", measure = "SurveyItem", threshold = 7, surveyId = survey.Id, questionId = "nope" },
            },
        };
        Assert.Equal(HttpStatusCode.OK, (await world.Coordinator.PutAsJsonAsync($"/api/v1/programs/{world.Program.Id}", design)).StatusCode);

        async Task<IReadOnlyList<ObjectiveProgress>> ProgressAsync() =>
            (await world.Coordinator.GetFromJsonAsync<ProgramObjectives>($"/api/v1/programs/{world.Program.Id}/objectives/progress", Json.Options))!.Objectives;

        var answers = new[] { 9, 8, 7, 6, 10 };
        for (var i = 0; i < 4; i++)
        {
            var invitation = Assert.Single(await SurveyProgram.MineAsync(world.Mentees[i].Client));
            (await SurveyProgram.AnswerAsync(world.Mentees[i].Client, invitation.Id, new { useful = answers[i] })).EnsureSuccessStatusCode();
        }
        var four = await ProgressAsync();
        Assert.Null(four[0].Value);
        Assert.Contains("Shown once at least 5 people have answered 'How useful is your mentor?' in 'How is it going?' (4 so far)", four[0].Explanation);
        Assert.Contains("has no number-scale question with the id 'nope'", four[1].Explanation);

        var last = Assert.Single(await SurveyProgram.MineAsync(world.Mentees[4].Client));
        (await SurveyProgram.AnswerAsync(world.Mentees[4].Client, last.Id, new { useful = 10 })).EnsureSuccessStatusCode();
        var five = await ProgressAsync();
        Assert.Equal((8.0, true), (five[0].Value!.Value, five[0].Met!.Value));
        Assert.Equal("The mean answer of 5 people to 'How useful is your mentor?' in 'How is it going?'.", five[0].Explanation);
        // No month-by-month trend: with a sixth answer next month, last month's mean of five and this month's of six
        // would give the sixth person's answer (6 x now - 5 x then).
        Assert.Empty(five[0].Trend);
        Assert.Null(five[0].ChartDataUri);
    }
}
