using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Tandem.Features.Surveys;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Surveys;

/// <summary>Building, sending and answering surveys, and reading their results (issue 11, item 1), on SQLite and PostgreSQL.</summary>
public sealed class SurveyTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static readonly object[] EveryType =
    [
        new { id = "topic", type = "SingleChoice", prompt = "What did you work on?", options = new[] { "Reading", "Maths" }, required = true },
        new { id = "help", type = "MultipleChoice", prompt = "What helped?", options = new[] { "Listening", "Examples", "Practice" } },
        new { id = "agree", type = "Likert", prompt = "I felt listened to.", required = true },
        new { id = "useful", type = "Rating", prompt = "How useful was it?", required = true },
        new { id = "scale", type = "Scale", prompt = "How hard was it?" },
        new { id = "word", type = "ShortText", prompt = "One word for it" },
        new { id = "more", type = "LongText", prompt = "Anything else?" },
    ];

    [Fact]
    public async Task ACoordinatorBuildsASurveyOfEveryQuestionTypeSendsItToMenteesAndReadsResultsOnlyFromFiveAnswers()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 5, mentors: 1);
        var draft = await world.CreateAsync(new { title = "After the first month", anonymous = false, questions = EveryType, audience = new[] { "Mentee" }, trigger = "Now" });
        Assert.Equal(SurveyStatus.Draft, draft.Status);
        Assert.Equal(SurveyQuestionType.Rating, draft.Questions.Single(q => q.Id == "useful").Type);
        Assert.Empty(await SurveyProgram.MineAsync(world.Mentees[0].Client)); // a draft reaches nobody

        var sent = await world.SendAsync(draft.Id);

        Assert.Equal(SurveyStatus.Open, sent.Status);
        Assert.Equal(5, sent.Invited);
        Assert.Empty(await SurveyProgram.MineAsync(world.Mentors[0].Client)); // mentors are not in the audience
        var invitation = Assert.Single(await SurveyProgram.MineAsync(world.Mentees[0].Client));
        Assert.True(invitation.CanAnswer);
        Assert.Equal("A short survey: After the first month", (await Relationships.PairingProgram.NoticesAsync(world.Mentees[0].Client))[0].Title);

        var bad = await SurveyProgram.AnswerAsync(world.Mentees[0].Client, invitation.Id, new { topic = "Art", agree = 6, useful = 11, nope = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["answers.agree", "answers.nope", "answers.topic", "answers.useful"], errors.Select(e => e.Key).Order());

        var answers = new { topic = "Reading", help = new[] { "Practice", "Listening" }, agree = 4, useful = 9, scale = 2, word = "calm", more = "Thanks" };
        (await SurveyProgram.AnswerAsync(world.Mentees[0].Client, invitation.Id, answers)).EnsureSuccessStatusCode();
        var again = await SurveyProgram.AnswerAsync(world.Mentees[0].Client, invitation.Id, answers);
        var mine = await world.Mentees[0].Client.GetFromJsonAsync<MySurveyForm>($"/api/v1/me/surveys/{invitation.Id}", Json.Options);
        var early = await world.Coordinator.GetFromJsonAsync<SurveyResults>($"/api/v1/surveys/{draft.Id}/results", Json.Options);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.True(mine!.Answered);
        Assert.False(mine.CanAnswer);
        Assert.Equal(9, mine.MyAnswers!["useful"].GetInt32());
        Assert.Equal(["Listening", "Practice"], mine.MyAnswers["help"].EnumerateArray().Select(e => e.GetString()));
        Assert.False(early!.Shown);
        Assert.Empty(early.Questions);
        Assert.Contains("at least 5", early.Message);

        for (var i = 1; i < 5; i++)
        {
            var id = (await SurveyProgram.MineAsync(world.Mentees[i].Client))[0].Id;
            (await SurveyProgram.AnswerAsync(world.Mentees[i].Client, id, new { topic = i % 2 == 0 ? "Reading" : "Maths", agree = 5, useful = i, help = new[] { "Examples" } })).EnsureSuccessStatusCode();
        }
        var results = (await world.Coordinator.GetFromJsonAsync<SurveyResults>($"/api/v1/surveys/{draft.Id}/results", Json.Options))!;

        Assert.True(results.Shown);
        Assert.Equal(5, results.Responses);
        var useful = results.Questions.Single(q => q.Id == "useful");
        Assert.Equal((9 + 1 + 2 + 3 + 4) / 5.0, useful.Mean);
        Assert.Equal(11, useful.Distribution.Count);
        Assert.Equal(4.8, results.Questions.Single(q => q.Id == "agree").Mean);
        Assert.Equal(4, results.Questions.Single(q => q.Id == "agree").Distribution.Single(d => d.Label == "Strongly agree").Count);
        Assert.Equal(3, results.Questions.Single(q => q.Id == "topic").Distribution.Single(d => d.Label == "Reading").Count);
        Assert.True(results.Questions.Single(q => q.Id == "word").Hidden); // one answer: not shown
        Assert.Empty(results.Questions.Single(q => q.Id == "word").Texts);
        Assert.True(results.Questions.Single(q => q.Id == "scale").Hidden);
    }

    [Fact]
    public async Task TemplatesFillInTheSurveyAndThePreSurveyComesWithItsMatchingPostSurvey()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 0, mentors: 0);
        var templates = await world.Coordinator.GetFromJsonAsync<List<SurveyTemplateView>>($"/api/v1/programs/{world.Program.Id}/survey-templates", Json.Options);
        Assert.Equal([SurveyKind.NeedsAssessment, SurveyKind.Pulse, SurveyKind.MidPoint, SurveyKind.EndOfProgram, SurveyKind.Pre, SurveyKind.Post], templates!.Select(t => t.Kind));

        var pulse = await world.CreateAsync(new { template = "Pulse" });
        var midpoint = await world.CreateAsync(new { template = "MidPoint", title = "Half-way, Reading Buddies", anonymous = false });
        var pre = await world.CreateAsync(new { template = "Pre" });
        var post = await world.Coordinator.GetFromJsonAsync<SurveyView>($"/api/v1/surveys/{pre.PairedSurveyId}", Json.Options);

        Assert.Equal((SurveyKind.Pulse, SurveyTrigger.AfterEachMeeting, true), (pulse.Kind, pulse.Trigger, pulse.Anonymous));
        Assert.Contains(pulse.Questions, q => q.Type == SurveyQuestionType.Rating);
        Assert.Equal(("Half-way, Reading Buddies", SurveyTrigger.ProgramHalfway, false), (midpoint.Title, midpoint.Trigger, midpoint.Anonymous));
        Assert.Equal(SurveyKind.Post, post!.Kind);
        Assert.Equal(SurveyTrigger.ProgramClosed, post.Trigger);
        Assert.Equal(pre.Id, post.PairedSurveyId);
        Assert.Equal(pre.Questions.Select(q => (q.Id, q.Prompt)), post.Questions.Select(q => (q.Id, q.Prompt)));
    }

    [Fact]
    public async Task ADraftIsChangedUntilSentAndBadDesignsAreRefusedWithTheFieldNamed()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var noQuestions = await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/surveys", new { title = "Empty", audience = new[] { "Mentee" } });
        var badChoice = await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/surveys",
            new { title = "Bad", audience = new[] { "Mentee" }, questions = new object[] { new { type = "SingleChoice", prompt = "One option?", options = new[] { "Only" } }, new { type = "Likert", prompt = "Agree?", options = new[] { "No" } } } });
        var nullQuestion = await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/surveys",
            new { title = "Null", audience = new[] { "Mentee" }, questions = new object?[] { null } });
        Assert.Equal(HttpStatusCode.BadRequest, nullQuestion.StatusCode);
        var pastDate = await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/surveys",
            new { template = "MidPoint", trigger = "OnDate", sendOn = world.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.BadRequest, noQuestions.StatusCode);
        Assert.Contains("questions", (await noQuestions.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(HttpStatusCode.BadRequest, badChoice.StatusCode);
        Assert.Equal(["questions[0]", "questions[1]"], (await badChoice.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Equal(HttpStatusCode.BadRequest, pastDate.StatusCode);

        var survey = await world.CreateAsync(new { template = "EndOfProgram" });
        var changed = await world.Coordinator.PutAsJsonAsync($"/api/v1/surveys/{survey.Id}", new { title = "Goodbye survey", trigger = "Now" });
        changed.EnsureSuccessStatusCode();
        Assert.Equal("Goodbye survey", (await changed.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!.Title);
        await world.SendAsync(survey.Id);

        var afterSending = await world.Coordinator.PutAsJsonAsync($"/api/v1/surveys/{survey.Id}", new { title = "Too late" });
        var sentAgain = await world.Coordinator.PostAsync($"/api/v1/surveys/{survey.Id}/send", Json.Empty());
        Assert.Equal(HttpStatusCode.Conflict, afterSending.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, sentAgain.StatusCode);

        (await world.Coordinator.PostAsync($"/api/v1/surveys/{survey.Id}/close", Json.Empty())).EnsureSuccessStatusCode();
        var invitation = Assert.Single(await SurveyProgram.MineAsync(world.Mentees[0].Client));
        Assert.False(invitation.CanAnswer);
        var closed = await SurveyProgram.AnswerAsync(world.Mentees[0].Client, invitation.Id, new { recommend = 8, goals = 4, again = 4 });
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
    }

    [Fact]
    public async Task OnlyCoordinatorsBuildSendAndReadResultsAndParticipantsSeeOnlyTheirOwnInvitations()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 0);
        var outsider = await factory.SignedInClientAsync(world.School.Outsider);
        var survey = await world.CreateAsync(new { template = "NeedsAssessment" });
        await world.SendAsync(survey.Id);
        var mentee = world.Mentees[0].Client;
        var othersInvitation = (await SurveyProgram.MineAsync(world.Mentees[1].Client))[0].Id;

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"/api/v1/programs/{world.Program.Id}/surveys", new { template = "Pulse" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{world.Program.Id}/surveys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/programs/{world.Program.Id}/surveys")).StatusCode);
        foreach (var path in new[] { $"/api/v1/surveys/{survey.Id}", $"/api/v1/surveys/{survey.Id}/results" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(path)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsync($"/api/v1/surveys/{survey.Id}/close", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"/api/v1/me/surveys/{othersInvitation}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SurveyProgram.AnswerAsync(mentee, othersInvitation, new { interest = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SurveyProgram.AnswerAsync(world.Coordinator, othersInvitation, new { interest = 3 })).StatusCode);
    }
}
