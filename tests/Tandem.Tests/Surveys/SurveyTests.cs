using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Notifications;
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

        // A named survey: its coordinators read who answered what; participants cannot.
        var named = (await world.Coordinator.GetFromJsonAsync<Paged<NamedResponseView>>($"/api/v1/surveys/{draft.Id}/responses", Json.Options))!;
        Assert.Equal(5, named.TotalCount);
        Assert.Equal("calm", named.Items.Single(r => r.UserId == world.Mentees[0].User.Id).Answers["word"].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await world.Mentees[0].Client.GetAsync($"/api/v1/surveys/{draft.Id}/responses")).StatusCode);
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
    public async Task SendingChecksTheDesignAgainSoNoSurveyIsSentThatCouldNeverGoOutOrHasAlreadyClosed()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 1, mentors: 0);
        var mentee = world.Mentees[0];
        var today = DateOnly.FromDateTime(world.Clock.GetUtcNow().UtcDateTime);
        // A copied program's dated survey comes without its day (the coordinator chooses a new one).
        var undated = await world.CreateAsync(new { template = "NeedsAssessment", title = "Dated", trigger = "OnDate", sendOn = today.AddDays(3).ToString("yyyy-MM-dd") });
        var halfway = await world.CreateAsync(new { template = "MidPoint" });
        var closing = await world.CreateAsync(new { template = "NeedsAssessment", title = "Closing soon", closesOn = today.AddDays(1).ToString("yyyy-MM-dd") });
        await world.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await db.Set<Survey>().Where(x => x.Id == undated.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.SendOn, (DateOnly?)null));
            // A program without an end date has no half-way point.
            return await db.Programs.Where(p => p.Id == world.Program.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.EndsOn, (DateOnly?)null));
        });
        async Task<(HttpStatusCode, IEnumerable<string>)> SendAsync(Guid id)
        {
            var response = await world.Coordinator.PostAsync($"/api/v1/surveys/{id}/send", Json.Empty());
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            return (response.StatusCode, body?["errors"]?.AsObject().Select(e => e.Key) ?? []);
        }

        var noDay = await SendAsync(undated.Id);
        var noHalfway = await SendAsync(halfway.Id);
        world.Clock.Advance(TimeSpan.FromDays(3));
        var closed = await SendAsync(closing.Id);

        Assert.Equal((HttpStatusCode.BadRequest, "sendOn"), (noDay.Item1, Assert.Single(noDay.Item2)));
        Assert.Equal((HttpStatusCode.BadRequest, "trigger"), (noHalfway.Item1, Assert.Single(noHalfway.Item2)));
        Assert.Equal((HttpStatusCode.BadRequest, "closesOn"), (closed.Item1, Assert.Single(closed.Item2)));
        foreach (var id in new[] { undated.Id, halfway.Id, closing.Id })
        {
            Assert.Equal(SurveyStatus.Draft, (await world.Coordinator.GetFromJsonAsync<SurveyView>($"/api/v1/surveys/{id}", Json.Options))!.Status);
        }
        Assert.Empty(await SurveyProgram.MineAsync(mentee.Client));
        Assert.Equal(0, await world.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>()
            .CountAsync(n => n.UserId == mentee.User.Id && n.Title.StartsWith("A short survey"))));
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

    [Fact]
    public async Task ANamedSurveysAnswersAreListedPersonByPersonForItsProgramsCoordinatorsOnly()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 1);
        var survey = await world.CreateAsync(new { template = "NeedsAssessment", anonymous = false, audience = new[] { "Mentee", "Mentor" } });
        await world.SendAsync(survey.Id);
        var (first, second) = (world.Mentees[0], world.Mentors[0]);
        (await SurveyProgram.AnswerAsync(first.Client, (await SurveyProgram.MineAsync(first.Client))[0].Id,
            new { topics = new[] { "Studies" }, format = "Online", frequency = "Weekly", interest = 4, ideas = "Lunchtimes" })).EnsureSuccessStatusCode();
        world.Clock.Advance(TimeSpan.FromMinutes(5));
        (await SurveyProgram.AnswerAsync(second.Client, (await SurveyProgram.MineAsync(second.Client))[0].Id,
            new { format = "In a small group", frequency = "Monthly", interest = 2 })).EnsureSuccessStatusCode();
        var url = $"/api/v1/surveys/{survey.Id}/responses";

        var listed = (await world.Coordinator.GetFromJsonAsync<Paged<NamedResponseView>>(url, Json.Options))!;

        Assert.Equal(2, listed.TotalCount);
        Assert.Equal([(second.User.Id, "Mentor 0"), (first.User.Id, "Mentee 0")], listed.Items.Select(r => (r.UserId, r.DisplayName))); // newest first
        var mentee = listed.Items[1];
        Assert.Equal(Tandem.Features.Programs.ProgramRole.Mentee, mentee.Role);
        Assert.Equal(world.Clock.GetUtcNow().UtcDateTime.AddMinutes(-5), mentee.SubmittedAt, TimeSpan.FromSeconds(1));
        Assert.Equal(("Online", 4, "Lunchtimes"), (mentee.Answers["format"].GetString(), mentee.Answers["interest"].GetInt32(), mentee.Answers["ideas"].GetString()));
        Assert.False(listed.Items[0].Answers.ContainsKey("ideas")); // an optional question left out stays out
        var paged = (await world.Coordinator.GetFromJsonAsync<Paged<NamedResponseView>>($"{url}?page=2&pageSize=1", Json.Options))!;
        Assert.Equal((2, first.User.Id), (paged.TotalCount, Assert.Single(paged.Items).UserId));

        // Participants, an outsider, the coordinator of another program of the school and another school's coordinator see nothing.
        var otherProgram = await world.School.CreateProgramAsync(world.Coordinator, "Maths Circle");
        var otherCoordinator = await factory.CreateUserAsync("Otto Coordinator");
        await factory.AddMemberAsync(world.School.Organisation.Id, otherCoordinator, Tandem.Features.Organisations.OrganisationRole.Member);
        (await world.Coordinator.PostAsJsonAsync($"/api/v1/programs/{otherProgram.Id}/enrolments", new { email = otherCoordinator.Email, role = "Coordinator" })).EnsureSuccessStatusCode();
        var otherSchool = await School.CreateAsync(factory);
        foreach (var client in new[]
        {
            first.Client, second.Client, world.Mentees[1].Client, await world.App.SignedInClientAsync(world.School.Outsider),
            await world.App.SignedInClientAsync(otherCoordinator), await world.App.SignedInClientAsync(otherSchool.Coordinator),
        })
        {
            var refused = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.DoesNotContain("Lunchtimes", await refused.Content.ReadAsStringAsync());
        }

        // An anonymous survey has no list by person: a clear 409, not an empty page.
        var anonymous = await world.CreateAsync(new { template = "NeedsAssessment" });
        var conflict = await world.Coordinator.GetAsync($"/api/v1/surveys/{anonymous.Id}/responses");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Contains("anonymous", await conflict.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnOrganisationsNeedsAssessmentGoesOutOnItsDateToEveryMemberAndShowsResultsOnlyFromFiveAnswers()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 5, mentors: 0);
        var surveys = $"/api/v1/organisations/{world.School.Organisation.Id}/surveys";
        var tomorrow = DateOnly.FromDateTime(world.Clock.GetUtcNow().UtcDateTime).AddDays(1);

        var created = await world.Coordinator.PostAsJsonAsync(surveys, new { trigger = "OnDate", sendOn = tomorrow.ToString("yyyy-MM-dd") });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var survey = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        Assert.Equal(6, survey.Invited); // every member: the five mentees and the school's own mentee, not its coordinator
        Assert.True(survey.Anonymous);
        Assert.Equal(SurveyStatus.Scheduled, (await world.SendAsync(survey.Id)).Status);
        Assert.Empty(await SurveyProgram.MineAsync(world.Mentees[0].Client));
        Assert.Equal(0, (await world.RunJobAsync()).Opened);

        world.Clock.Advance(TimeSpan.FromDays(1));
        var run = await world.RunJobAsync();

        Assert.Equal((1, 6), (run.Opened, run.Invited));
        var invitations = new List<Guid>();
        foreach (var mentee in world.Mentees)
        {
            var invitation = Assert.Single(await SurveyProgram.MineAsync(mentee.Client));
            Assert.True(invitation.CanAnswer);
            invitations.Add(invitation.Id);
        }
        for (var i = 0; i < 4; i++)
        {
            (await SurveyProgram.AnswerAsync(world.Mentees[i].Client, invitations[i], new { format = "Online", frequency = "Weekly", interest = 3 + i % 2, ideas = "After school" })).EnsureSuccessStatusCode();
        }
        var early = (await world.Coordinator.GetFromJsonAsync<SurveyResults>($"/api/v1/surveys/{survey.Id}/results", Json.Options))!;
        Assert.False(early.Shown);
        Assert.Empty(early.Questions);
        Assert.Equal((6, 0), (early.Invited, early.Responses)); // an anonymous survey counts answers in steps of five (ADR 99)

        (await SurveyProgram.AnswerAsync(world.Mentees[4].Client, invitations[4], new { format = "One to one", frequency = "Monthly", interest = 5 })).EnsureSuccessStatusCode();
        var results = (await world.Coordinator.GetFromJsonAsync<SurveyResults>($"/api/v1/surveys/{survey.Id}/results", Json.Options))!;

        Assert.True(results.Shown);
        Assert.Equal(5, results.Responses);
        Assert.Equal((3 + 4 + 3 + 4 + 5) / 5.0, results.Questions.Single(q => q.Id == "interest").Mean);
        Assert.Equal(4, results.Questions.Single(q => q.Id == "format").Distribution.Single(d => d.Label == "Online").Count);
        Assert.True(results.Questions.Single(q => q.Id == "ideas").Hidden); // four wrote an idea: fewer than five
        Assert.Equal(HttpStatusCode.NotFound, (await world.Mentees[0].Client.GetAsync($"/api/v1/surveys/{survey.Id}/results")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await world.Coordinator.GetAsync($"/api/v1/surveys/{survey.Id}/responses")).StatusCode);
    }

    [Fact]
    public async Task AnOrganisationSendsANeedsAssessmentToARosterOfItsMembersWithoutAProgram()
    {
        var world = await SurveyProgram.CreateAsync(factory, mentees: 2, mentors: 0);
        var surveys = $"/api/v1/organisations/{world.School.Organisation.Id}/surveys";
        var (asked, notAsked) = (world.Mentees[0], world.Mentees[1]);

        var unknown = await world.Coordinator.PostAsJsonAsync(surveys, new { roster = new[] { asked.User.Email, "nobody@test.example" } });
        var byMember = await asked.Client.PostAsJsonAsync(surveys, new { roster = new[] { asked.User.Email } });
        var afterMeetings = await world.Coordinator.PostAsJsonAsync(surveys, new { trigger = "AfterEachMeeting" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("nobody@test.example", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, afterMeetings.StatusCode);

        var created = await world.Coordinator.PostAsJsonAsync(surveys, new { roster = new[] { asked.User.Email.ToUpperInvariant() } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var survey = (await created.Content.ReadFromJsonAsync<SurveyView>(Json.Options))!;
        Assert.Equal((SurveyKind.NeedsAssessment, (Guid?)null, 1), (survey.Kind, survey.ProgramId, survey.Invited));
        Assert.Empty(await SurveyProgram.MineAsync(asked.Client)); // recorded, not asked until sent

        var sent = await world.SendAsync(survey.Id);
        Assert.Equal(SurveyStatus.Open, sent.Status);
        var invitation = Assert.Single(await SurveyProgram.MineAsync(asked.Client));
        Assert.Null(invitation.ProgramId);
        Assert.Empty(await SurveyProgram.MineAsync(notAsked.Client));
        (await SurveyProgram.AnswerAsync(asked.Client, invitation.Id, new { format = "Online", frequency = "Weekly", interest = 4 })).EnsureSuccessStatusCode();
        var listed = (await world.Coordinator.GetFromJsonAsync<Paged<SurveySummary>>(surveys, Json.Options))!;
        Assert.Equal((1, 1), (listed.TotalCount, listed.Items[0].Answered));
        Assert.Equal(HttpStatusCode.Forbidden, (await asked.Client.GetAsync(surveys)).StatusCode);
    }
}
