using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

/// <summary>
/// ADR 118: what screening refuses or reads safely: a queue sorted by an answer whose kind changed between form versions,
/// a form question of an undefined type (or too long a help text, too many options) from the editor page, an approval of
/// a disabled account, a diversity report that would print typed answers, a criterion added twice at once, and a status or
/// role given as a number.
/// </summary>
public sealed class ScreeningRefusalsTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task SortingByAnAnswerWhoseKindChangedBetweenFormVersionsPutsNumbersThenTextThenMissing()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        await recruiting.ApplyAsync(factory, "Hal Numbers");
        var (_, worded) = await recruiting.ApplyAsync(factory, "Wendy Words");
        await recruiting.ApplyAsync(factory, "Lou Numbers", new Dictionary<string, object>(RecruitingProgram.CompleteAnswers()) { ["confidence"] = 2 });
        await recruiting.ApplyAsync(factory, "Mo Mentee", role: "mentee");
        // An answer stored when the question was a single choice (before the editor refused a kept id's change of type).
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var json = await db.Set<Application>().Where(a => a.Id == worded.Id).Select(a => a.AnswersJson).SingleAsync();
            var answers = JsonNode.Parse(json)!.AsObject();
            answers["confidence"] = "Very";
            return await db.Set<Application>().Where(a => a.Id == worded.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.AnswersJson, answers.ToJsonString()));
        });

        async Task<List<string>> Names(string sort)
        {
            var response = await recruiting.Coordinator.GetAsync($"{recruiting.Applications}?sort={sort}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<Paged<ReviewQueueItem>>(Json.Options))!.Items.Select(i => i.ApplicantName).ToList();
        }

        Assert.Equal(["Lou Numbers", "Hal Numbers", "Wendy Words", "Mo Mentee"], await Names("answer:confidence"));
        Assert.Equal(["Hal Numbers", "Lou Numbers", "Wendy Words", "Mo Mentee"], await Names("-answer:confidence"));
    }

    [Fact]
    public async Task AKeptQuestionCannotChangeItsKindOfAnswer()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var form = $"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentor";
        var questions = RecruitingProgram.MentorQuestions.Select(q => JsonNode.Parse(JsonSerializer.Serialize(q))!).ToList();
        var confidence = questions.Single(q => (string?)q["id"] == "confidence");
        confidence["type"] = "SingleChoice";
        confidence["options"] = new JsonArray("Not very", "Very");
        confidence["criterion"] = null;

        var changed = await recruiting.Coordinator.PutAsJsonAsync(form, new { questions });

        Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        Assert.Contains("Question confidence was a Scale question, and its answers stay with it: add a new question instead", await changed.Content.ReadAsStringAsync());
        var kept = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>(form, Json.Options))!;
        Assert.Equal(QuestionType.Scale, kept.Questions.Single(q => q.Id == "confidence").Type);
    }

    [Fact]
    public async Task TheEditorPageRefusesAnUndefinedTypeALongHelpTextAndTooManyOptions()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);
        var editor = $"/programs/{recruiting.Program.Id}/questionnaires/mentee";
        var api = $"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentee";
        var before = await recruiting.Coordinator.GetStringAsync(api);

        var undefined = await page.SubmitAsync(editor, "questionnaire",
            [new("Form.Rows[0].Prompt", "What do you like?"), new("Form.Rows[0].Type", "9"), new("editor", "save")]);
        var longHelp = await page.SubmitAsync(editor, "questionnaire",
            [new("Form.Rows[0].Prompt", "What do you like?"), new("Form.Rows[0].Type", "ShortText"), new("Form.Rows[0].Help", new string('h', 1001)), new("editor", "save")]);
        var manyOptions = await page.SubmitAsync(editor, "questionnaire",
            [new("Form.Rows[0].Prompt", "Which day?"), new("Form.Rows[0].Type", "SingleChoice"),
             new("Form.Rows[0].Options", string.Join("\n", Enumerable.Range(1, 21).Select(i => $"Day {i}"))), new("editor", "save")]);
        var apiUndefined = await recruiting.Coordinator.PutAsJsonAsync(api, new { questions = new[] { new { prompt = "What do you like?", type = 9 } } });

        Assert.Equal(HttpStatusCode.BadRequest, undefined.StatusCode);
        Assert.Contains("Choose one of the question types.", await undefined.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, longHelp.StatusCode);
        Assert.Contains("A help text has at most 1000 characters.", await longHelp.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, manyOptions.StatusCode);
        Assert.Contains("A question has at most 20 options.", await manyOptions.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, apiUndefined.StatusCode);
        Assert.Equal(before, await recruiting.Coordinator.GetStringAsync(api));
        Assert.Equal(HttpStatusCode.OK, (await factory.AnonymousClient().GetAsync($"/join/{recruiting.Program.Id}")).StatusCode);
    }

    [Fact]
    public async Task ADisabledApplicantIsNotApprovedAndTheQueueMarksThem()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var (_, active) = await recruiting.ApplyAsync(factory, "Ada Active");
        var (_, gone) = await recruiting.ApplyAsync(factory, "Dan Disabled");
        var goneUserId = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{gone.Id}", Json.Options))!.UserId;
        var activeUserId = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{active.Id}", Json.Options))!.UserId;
        var disabled = await factory.WithScopeAsync(s => s.GetRequiredService<DisableUser>().RunAsync(new Actor(Guid.NewGuid(), IsAdministrator: true), goneUserId, true));
        Assert.Null(disabled.Failure);

        var one = await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{gone.Id}/decision", new { decision = "Approve" });
        var batch = await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/decisions", new { applicationIds = new[] { active.Id, gone.Id }, decision = "Approve" });
        var declined = await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{gone.Id}/decision", new { decision = "Decline" });

        Assert.Equal(HttpStatusCode.Conflict, one.StatusCode);
        Assert.Contains($"Dan Disabled ({gone.Id})", await one.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, batch.StatusCode);
        Assert.Contains("Dan Disabled", await batch.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);
        var (enrolled, members) = await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Enrolments.CountAsync(e => e.ProgramId == recruiting.Program.Id && (e.UserId == goneUserId || e.UserId == activeUserId)),
                await db.OrganisationMemberships.CountAsync(m => m.UserId == goneUserId));
        });
        Assert.Equal((0, 0), (enrolled, members));
        using var queue = JsonDocument.Parse(await recruiting.Coordinator.GetStringAsync(recruiting.Applications));
        var marks = queue.RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("id").GetGuid(), i => i.TryGetProperty("accountDisabled", out var d) && d.GetBoolean());
        Assert.Equal((true, false), (marks[gone.Id], marks[active.Id]));
        Assert.Contains("Account disabled", await recruiting.Coordinator.GetStringAsync($"/programs/{recruiting.Program.Id}/applications"));
    }

    [Fact]
    public async Task TheDiversityReportNeverPrintsTypedAnswersAndFoldsRetiredOptionsIntoOther()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var form = $"/api/v1/programs/{program.Id}/questionnaires/mentee";
        const string why = "We ask so that we can see whether the program reaches everyone.";
        object Questions(params string[] options) => new
        {
            questions = new object[]
            {
                new { id = "background", type = "ShortText", prompt = "Describe your background", sensitive = true, explanation = why },
                new { id = "gender", type = "SingleChoice", prompt = "What is your gender?", options, sensitive = true, explanation = why },
            },
        };
        (await coordinator.PutAsJsonAsync(form, Questions("Woman", "Man", "Nonbinary"))).EnsureSuccessStatusCode();
        await coordinator.OpenRecruitmentAsync(program.Id);
        async Task ApplyAsync(string name, Dictionary<string, object> answers)
        {
            var client = await factory.SignedInClientAsync(await factory.CreateUserAsync(name));
            (await client.PostAsJsonAsync($"/api/v1/programs/{program.Id}/applications", new
            {
                role = "mentee", answers, sensitiveConsents = new[] { "background", "gender" }, acceptsCodeOfConduct = true, submit = true,
            })).EnsureSuccessStatusCode();
        }
        await ApplyAsync("Uma Unique", new() { ["background"] = "Only person from Tristan da Cunha", ["gender"] = "Nonbinary" });
        (await coordinator.PutAsJsonAsync(form, Questions("Woman", "Man", "In another way"))).EnsureSuccessStatusCode();
        for (var i = 0; i < 5; i++)
        {
            await ApplyAsync($"Wanda {i}", new() { ["background"] = $"Grew up in town {i}", ["gender"] = "Woman" });
        }

        var report = (await coordinator.GetFromJsonAsync<DiversityReportView>($"/api/v1/programs/{program.Id}/diversity", Json.Options))!;
        var page = await coordinator.GetStringAsync($"/programs/{program.Id}/diversity");

        var background = report.Questions.Single(q => q.QuestionId == "background").Groups.ToDictionary(g => g.Answer);
        Assert.Equal(["Answered", GetDiversityReport.NotShared], background.Keys);
        var gender = report.Questions.Single(q => q.QuestionId == "gender").Groups.Select(g => g.Answer).ToList();
        Assert.Equal(["Woman", "Man", "In another way", "Other", GetDiversityReport.NotShared], gender);
        Assert.DoesNotContain("Tristan da Cunha", page);
        Assert.DoesNotContain("Grew up in town", page);
        Assert.DoesNotContain("Nonbinary", page);
    }

    [Fact]
    public async Task ACriterionAddedTwiceAtOnceIsAddedOnce()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var coordinators = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => factory.SignedInClientAsync(recruiting.School.Coordinator)));

        var answers = await Task.WhenAll(coordinators.Select(c => c.PostAsJsonAsync($"{recruiting.Applications}/criteria", new { name = "Patience" })));

        Assert.Single(answers, a => a.IsSuccessStatusCode);
        Assert.All(answers.Where(a => !a.IsSuccessStatusCode), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var criteria = (await recruiting.Coordinator.GetFromJsonAsync<List<CriterionView>>($"{recruiting.Applications}/criteria", Json.Options))!;
        Assert.Single(criteria, c => c.Name == "Patience");
    }

    [Fact]
    public async Task TheQueueRefusesAStatusOrRoleGivenAsANumber()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);

        var status = await recruiting.Coordinator.GetAsync($"{recruiting.Applications}?status=9");
        var role = await recruiting.Coordinator.GetAsync($"{recruiting.Applications}?role=7");

        Assert.Equal(HttpStatusCode.BadRequest, status.StatusCode);
        Assert.Contains("status", await status.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, role.StatusCode);
        Assert.Contains("role", await role.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await recruiting.Coordinator.GetAsync($"{recruiting.Applications}?status=Submitted&role=Mentor")).StatusCode);
    }
}
