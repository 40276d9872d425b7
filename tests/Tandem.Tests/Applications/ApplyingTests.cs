using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Applications;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

public sealed class ApplyingTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task ADraftCanBeSavedIncompleteAndResumedThenSubmitted()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var (client, draft) = await recruiting.ApplyAsync(factory, "Dora Draft",
            new Dictionary<string, object> { ["subject"] = "english", ["free"] = new[] { 42, 18, 18 } }, submit: false);

        Assert.Equal(ApplicationStatus.Draft, draft.Status);
        var resumed = (await client.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{draft.Id}", Json.Options))!;
        Assert.Equal("English", resumed.Answers.Text("subject"));
        Assert.Equal("[18,42]", resumed.Answers["free"].GetRawText());
        Assert.Equal(10, resumed.Questions.Count);
        Assert.Equal(1, resumed.FormVersion);

        var answers = RecruitingProgram.CompleteAnswers();
        var submitted = await client.PutAsJsonAsync($"/api/v1/me/applications/{draft.Id}", new { answers, acceptsCodeOfConduct = true, submit = true });

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var view = (await submitted.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        Assert.Equal(ApplicationStatus.Submitted, view.Status);
        Assert.NotNull(view.SubmittedAt);
        var list = (await client.GetFromJsonAsync<Paged<MyApplicationSummary>>("/api/v1/me/applications", Json.Options))!;
        var mine = Assert.Single(list.Items);
        Assert.Equal((draft.Id, ApplicationStatus.Submitted, "Reading Buddies"), (mine.Id, mine.Status, mine.ProgramName));

        // Until a coordinator decides, a change keeps it submitted (DecisionNoticeTests covers the 409 after a decision).
        var again = await client.PutAsJsonAsync($"/api/v1/me/applications/{draft.Id}", new { answers, acceptsCodeOfConduct = true });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(ApplicationStatus.Submitted, (await again.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Status);
    }

    [Fact]
    public async Task SubmittingReportsAValidationErrorForEachBadQuestionAndWritesNothing()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var applicant = await factory.SignedInClientAsync(await factory.CreateUserAsync("Val Idation"));

        var response = await applicant.PostAsJsonAsync(recruiting.Applications, new
        {
            role = "mentor",
            answers = new Dictionary<string, object>
            {
                ["subject"] = "Latin",
                ["interests"] = new[] { "Music", "Music" },
                ["confidence"] = 6,
                ["why"] = new string('x', 201),
                ["free"] = new[] { 168 },
                ["formats"] = new[] { "Online" },
                ["rules"] = false,
                ["nope"] = "?",
            },
            acceptsCodeOfConduct = false,
            submit = true,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>())!;
        Assert.Equal(
            ["AcceptsCodeOfConduct", "answers.confidence", "answers.formats", "answers.free", "answers.interests", "answers.nope", "answers.rules", "answers.subject", "answers.why"],
            problem.Errors.Keys.Order());
        Assert.Contains("1 to 5", problem.Errors["answers.confidence"][0]);
        var list = (await applicant.GetFromJsonAsync<Paged<MyApplicationSummary>>("/api/v1/me/applications", Json.Options))!;
        Assert.Empty(list.Items);
    }

    [Fact]
    public async Task ARequiredQuestionLeftBlankIsReportedOnSubmitButNotOnADraft()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var applicant = await factory.SignedInClientAsync(await factory.CreateUserAsync("Rae Quired"));
        var answers = RecruitingProgram.CompleteAnswers();
        answers.Remove("why");

        var submit = await applicant.PostAsJsonAsync(recruiting.Applications, new { role = "mentor", answers, acceptsCodeOfConduct = true, submit = true });
        var draft = await applicant.PostAsJsonAsync(recruiting.Applications, new { role = "mentor", answers, acceptsCodeOfConduct = true, submit = false });

        Assert.Equal(HttpStatusCode.BadRequest, submit.StatusCode);
        var problem = (await submit.Content.ReadFromJsonAsync<ValidationProblemDetails>())!;
        Assert.Equal(["answers.why"], problem.Errors.Keys);
        Assert.Equal("This question is required.", problem.Errors["answers.why"][0]);
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
    }

    [Fact]
    public async Task EditingAnAnsweredFormCreatesANewVersionAndOldAnswersStayReadable()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var forms = $"/api/v1/programs/{recruiting.Program.Id}/questionnaires";
        // Unanswered: edited in place.
        var inPlace = (await (await recruiting.Coordinator.PutAsJsonAsync($"{forms}/mentor", new { questions = RecruitingProgram.MentorQuestions })).Content.ReadFromJsonAsync<QuestionnaireView>(Json.Options))!;
        Assert.Equal(1, inPlace.Version);
        var (client, old) = await recruiting.ApplyAsync(factory, "Olga Oldform");
        var (draftClient, draft) = await recruiting.ApplyAsync(factory, "Drew Draft", new Dictionary<string, object> { ["why"] = "Because", ["subject"] = "Science" }, submit: false);

        var changed = await recruiting.Coordinator.PutAsJsonAsync($"{forms}/mentor", new
        {
            questions = new object[]
            {
                new { id = "subject", type = "SingleChoice", prompt = "Main subject?", options = new[] { "Maths", "Physics" }, required = true },
                new { id = "year", type = "Scale", prompt = "Which year are you in (1-5)?", required = true },
            },
        });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var v2 = (await changed.Content.ReadFromJsonAsync<QuestionnaireView>(Json.Options))!;
        Assert.Equal(2, v2.Version);
        var current = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>($"{forms}/mentor", Json.Options))!;
        Assert.Equal(["subject", "year"], current.Questions.Select(q => q.Id));
        var v1 = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>($"{forms}/mentor/versions/1", Json.Options))!;
        Assert.Equal(10, v1.Questions.Count);
        Assert.Equal(2, v1.ApplicationCount);

        // The submitted application still reads with the questions it answered.
        var mine = (await client.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{old.Id}", Json.Options))!;
        Assert.Equal(1, mine.FormVersion);
        Assert.Equal("Why do you want to mentor?", mine.Questions.Single(q => q.Id == "why").Prompt);
        Assert.Equal("I struggled with maths and want to help.", mine.Answers.Text("why"));
        var reviewed = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{old.Id}", Json.Options))!;
        Assert.Equal(1, reviewed.FormVersion);
        Assert.Equal("Maths", reviewed.Answers.Text("subject"));

        // A draft moves to the new version when saved, keeping the answers that still apply.
        var saved = await draftClient.PutAsJsonAsync($"/api/v1/me/applications/{draft.Id}", new { answers = new Dictionary<string, object> { ["subject"] = "Physics" } });
        var moved = (await saved.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        Assert.Equal(2, moved.FormVersion);
        Assert.Equal(["subject"], moved.Answers.Keys);
    }

    [Fact]
    public async Task AProgramThatIsNotRecruitingRefusesApplications()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var applicant = await factory.SignedInClientAsync(await factory.CreateUserAsync("Early Bird"));

        var draftProgram = await applicant.PostAsJsonAsync($"/api/v1/programs/{program.Id}/applications", new { role = "mentee", acceptsCodeOfConduct = true, submit = true });
        var noProgram = await applicant.PostAsJsonAsync($"/api/v1/programs/{Guid.NewGuid()}/applications", new { role = "mentee" });
        var wrongRole = await applicant.PostAsJsonAsync($"/api/v1/programs/{program.Id}/applications", new { role = "peer" });

        Assert.Equal(HttpStatusCode.Conflict, draftProgram.StatusCode);
        Assert.Contains("not taking applications", (await draftProgram.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
        Assert.Equal(HttpStatusCode.NotFound, noProgram.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongRole.StatusCode);
    }

    [Fact]
    public async Task AMinorGivesAgeAndAGuardiansContactWhenTheOrganisationIncludesMinors()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory, await Privacy.MinorsSchool.SchoolAsync(factory));
        var applicant = await factory.SignedInClientAsync(await factory.CreateUserAsync("Young Mentee"));

        var noAge = await applicant.PostAsJsonAsync(recruiting.Applications, new { role = "mentee", acceptsCodeOfConduct = true, submit = true });
        var noGuardian = await applicant.PostAsJsonAsync(recruiting.Applications, new { role = "mentee", acceptsCodeOfConduct = true, age = 14, submit = true });
        var complete = await applicant.PostAsJsonAsync(recruiting.Applications, new
        {
            role = "mentee", acceptsCodeOfConduct = true, age = 14, guardianName = "Pat Parent", guardianEmail = "pat@example.org", submit = true,
        });

        Assert.Equal(["Age"], (await noAge.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys);
        Assert.Equal(["GuardianEmail", "GuardianName"], (await noGuardian.Content.ReadFromJsonAsync<ValidationProblemDetails>())!.Errors.Keys.Order());
        Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        var view = (await complete.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        Assert.Equal((14, "Pat Parent", "pat@example.org"), (view.Age, view.GuardianName, view.GuardianEmail));
        var reviewed = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{view.Id}", Json.Options))!;
        Assert.Equal("pat@example.org", reviewed.GuardianEmail);
    }

    [Fact]
    public async Task AFormWithMismatchedOptionsOrCriteriaIsRefusedPerQuestion()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);

        var response = await recruiting.Coordinator.PutAsJsonAsync($"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentee", new
        {
            questions = new object[]
            {
                new { type = "SingleChoice", prompt = "Pick one", options = new[] { "Only" } },
                new { type = "ShortText", prompt = "Name", criterion = "AvailabilityOverlap" },
                new { type = "Scale", prompt = "Energy", criterion = "NumericGap" },
            },
        });
        var menteeTries = await (await factory.SignedInClientAsync(recruiting.School.Mentee))
            .PutAsJsonAsync($"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentee", new { questions = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<ValidationProblemDetails>())!;
        Assert.Equal(["questions[0]", "questions[1]"], problem.Errors.Keys.Order());
        Assert.Equal(HttpStatusCode.NotFound, menteeTries.StatusCode);
    }
}
