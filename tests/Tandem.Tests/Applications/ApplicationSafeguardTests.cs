using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Applications;

/// <summary>
/// ADR 104: forms that change under the applicant, decisions behind the consent gate, sensitive answers and staff, the
/// review queue's reads of minors' answers, consent on the notices shown, and the coordinator's refused decision.
/// </summary>
public sealed class ApplicationSafeguardTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private const string Why = "We ask so that we can see whether the program reaches everyone. Answering is your choice.";

    private static object Gender(bool sensitive = true) => new
    {
        id = "gender", type = "SingleChoice", prompt = "What is your gender?", options = new[] { "Woman", "Man", "In another way" },
        required = false, sensitive, explanation = sensitive ? Why : null,
    };

    private static object Note(bool isPrivate) => new { id = "note", type = "ShortText", prompt = "Anything we should know?", required = false, @private = isPrivate };

    private async Task<(HttpClient Coordinator, Guid ProgramId, string Form, School School)> MenteeFormAsync(params object[] questions)
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        var form = $"/api/v1/programs/{program.Id}/questionnaires/mentee";
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(form, new { questions })).StatusCode);
        await coordinator.OpenRecruitmentAsync(program.Id);
        return (coordinator, program.Id, form, school);
    }

    private Task<Application?> StoredAsync(Guid programId, Guid userId) => factory.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Application>().AsNoTracking().Include(a => a.Questionnaire)
            .SingleOrDefaultAsync(a => a.ProgramId == programId && a.UserId == userId));

    private static List<KeyValuePair<string, string>> With(List<KeyValuePair<string, string>> fields, params (string Name, string Value)[] changes)
    {
        var names = changes.Select(c => c.Name).ToHashSet();
        return fields.Where(f => !names.Contains(f.Key)).Concat(changes.Select(c => new KeyValuePair<string, string>(c.Name, c.Value))).ToList();
    }

    private static IHtmlDocument Html(string page) => new HtmlParser().ParseDocument(page);

    [Fact]
    public async Task AWithheldAnswerOnAPageOpenWhileTheFormChangesIsNotSavedForReviewersAndThePageAsksToCheck()
    {
        var (coordinator, programId, form, _) = await MenteeFormAsync(Gender());
        var person = await factory.CreateUserAsync("Olu Open-Tab");
        var pages = await PageClient.SignInAsync(factory, person.Email);
        var apply = $"/apply/{programId}/mentee";
        var first = With(await pages.FormFieldsAsync(apply, "application"), ("q.gender", "In another way"), ("intent", "save"));
        Assert.Equal(HttpStatusCode.OK, (await pages.SubmitAsync(apply, "application", first)).StatusCode);
        Assert.Contains("In another way", (await StoredAsync(programId, person.Id))!.WithheldAnswersJson);

        // The page is open with the withheld answer pre-filled; meanwhile the coordinator's next version asks it openly.
        var open = await pages.FormFieldsAsync(apply, "application");
        Assert.Contains(open, f => f.Key == "q.gender" && f.Value == "In another way");
        Assert.Contains(open, f => f.Key == "formVersion" && f.Value == "1");
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(form, new { questions = new[] { Gender(sensitive: false) } })).StatusCode);

        var saved = await pages.SubmitAsync(apply, "application", With(open, ("intent", "save")));

        Assert.Equal(HttpStatusCode.Conflict, saved.StatusCode);
        var page = Html(await saved.Content.ReadAsStringAsync());
        Assert.Contains("The form changed while you were filling it in; check your answers.", page.Body!.TextContent);
        // Shown again on the new version, the answer given as withheld is not ticked under the open question.
        Assert.Equal("2", page.QuerySelector<IHtmlInputElement>("input[name=formVersion]")!.Value);
        Assert.DoesNotContain(page.QuerySelectorAll<IHtmlInputElement>("input[name='q.gender']"), i => i.IsChecked);
        var stored = (await StoredAsync(programId, person.Id))!;
        Assert.DoesNotContain("gender", stored.AnswersJson);
        Assert.Contains("In another way", stored.WithheldAnswersJson);
        Assert.Equal(1, stored.Questionnaire!.Version);
    }

    [Fact]
    public async Task MakingAPrivateQuestionOpenBeforeAnyoneAnswersIsANewVersionSoAnOpenPageCannotSaveIntoIt()
    {
        var (coordinator, programId, form, _) = await MenteeFormAsync(Note(isPrivate: true));
        var person = await factory.CreateUserAsync("Pia Private");
        var pages = await PageClient.SignInAsync(factory, person.Email);
        var apply = $"/apply/{programId}/mentee";
        var typed = With(await pages.FormFieldsAsync(apply, "application"), ("q.note", "I see a counsellor on Tuesdays."), ("intent", "save"));
        Assert.Contains("Only the program's coordinators see this answer.", System.Net.WebUtility.HtmlDecode(await pages.Http.GetStringAsync(apply)));

        // Nobody has answered version 1; the coordinator edits it so the question is open to staff.
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(form, new { questions = new[] { Note(isPrivate: false) } })).StatusCode);
        var current = (await coordinator.GetFromJsonAsync<QuestionnaireView>(form, Json.Options))!;
        Assert.Equal(2, current.Version);

        var saved = await pages.SubmitAsync(apply, "application", typed);

        Assert.Equal(HttpStatusCode.Conflict, saved.StatusCode);
        Assert.Null(await StoredAsync(programId, person.Id));
        var page = Html(await saved.Content.ReadAsStringAsync());
        Assert.Equal("", page.QuerySelector<IHtmlInputElement>("input[name='q.note']")!.Value);
    }

    [Fact]
    public async Task APrivateAnswerIsNotPrefilledInAQuestionANewerFormAsksOpenly()
    {
        var (coordinator, programId, form, _) = await MenteeFormAsync(Note(isPrivate: true));
        var person = await factory.CreateUserAsync("Dev Draft");
        var client = await factory.SignedInClientAsync(person);
        var draft = await client.PostAsJsonAsync($"/api/v1/programs/{programId}/applications",
            new { role = "mentee", answers = new { note = "I see a counsellor on Tuesdays." }, submit = false });
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(form, new { questions = new[] { Note(isPrivate: false) } })).StatusCode);

        var pages = await PageClient.SignInAsync(factory, person.Email);
        var fields = await pages.FormFieldsAsync($"/apply/{programId}/mentee", "application");

        Assert.Contains(fields, f => f.Key == "formVersion" && f.Value == "2");
        Assert.DoesNotContain(fields, f => f.Value.Contains("counsellor"));
    }

    [Fact]
    public async Task AChildWhoseGuardianHasNotConsentedIsNotToldOfTheDecisionAndItStaysNotTold()
    {
        var school = await MinorsSchool.CreateAsync(factory);
        var recruiting = school.Recruiting;
        var child = await factory.CreateUserAsync("Kit Twelve");
        var applied = await (await factory.SignedInClientAsync(child)).PostAsJsonAsync(recruiting.Applications,
            new { role = "mentee", acceptsCodeOfConduct = true, age = 12, guardianName = "Pat Parent", guardianEmail = "pat.parent@example.org", submit = true });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var childApplication = (await applied.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Id;
        var consent = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Consent>().AsNoTracking()
            .SingleAsync(c => c.UserId == child.Id && c.ProgramId == recruiting.Program.Id));
        Assert.Equal(ConsentState.AwaitingGuardian, consent.State);

        var decided = await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/decisions",
            new { applicationIds = new[] { childApplication, school.AdultApplication }, decision = "Approve", message = "Welcome! First meeting Monday." });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var notices = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => (n.UserId == child.Id || n.UserId == school.Adult.Id) && n.Link == DecisionNotice.Link).Select(n => n.UserId).ToListAsync());
        Assert.Equal([school.Adult.Id], notices);
        Assert.Empty(await factory.OutboxForAsync(child.Email));
        var queue = (await recruiting.Coordinator.GetFromJsonAsync<Paged<ReviewQueueItem>>($"{recruiting.Applications}?pageSize=100", Json.Options))!.Items;
        Assert.Null(queue.Single(i => i.Id == childApplication).Told);
        Assert.NotNull(queue.Single(i => i.Id == school.AdultApplication).Told);
        var review = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{childApplication}", Json.Options))!;
        Assert.Null(Assert.Single(review.Decisions).Told);
    }

    [Fact]
    public async Task StaffNeitherReadNorSortNorFilterByConsentedSensitiveAnswersAndCoordinatorsDo()
    {
        var (coordinator, programId, _, school) = await MenteeFormAsync(Gender(), Note(isPrivate: false));
        var staffUser = await factory.CreateUserAsync("Stef Staff");
        await factory.AddMemberAsync(school.Organisation.Id, staffUser, Features.Organisations.OrganisationRole.Member);
        (await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { staffUser.Email, role = "Staff" })).EnsureSuccessStatusCode();
        var staff = await factory.SignedInClientAsync(staffUser);
        var person = await factory.CreateUserAsync("Gia Given");
        var applied = await (await factory.SignedInClientAsync(person)).PostAsJsonAsync($"/api/v1/programs/{programId}/applications", new
        {
            role = "mentee", answers = new Dictionary<string, object> { ["gender"] = "In another way", ["note"] = "Likes chess" },
            sensitiveConsents = new[] { "gender" }, acceptsCodeOfConduct = true, submit = true,
        });
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var id = (await applied.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!.Id;
        var applications = $"/api/v1/programs/{programId}/applications";

        using (var json = JsonDocument.Parse(await staff.GetStringAsync($"{applications}/{id}")))
        {
            Assert.False(json.RootElement.GetProperty("answers").TryGetProperty("gender", out _));
            Assert.Equal("Likes chess", json.RootElement.GetProperty("answers").GetProperty("note").GetString());
            Assert.DoesNotContain(json.RootElement.GetProperty("questions").EnumerateArray(), q => q.GetProperty("id").GetString() == "gender");
        }
        var staffPage = System.Net.WebUtility.HtmlDecode(await staff.GetStringAsync($"/programs/{programId}/applications/{id}"));
        Assert.Contains("Likes chess", staffPage);
        Assert.DoesNotContain("What is your gender?", staffPage);
        Assert.DoesNotContain("In another way", staffPage);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"{applications}?sort=answer:gender")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"{applications}?answer=gender:Woman")).StatusCode);
        var staffForm = (await staff.GetFromJsonAsync<QuestionnaireView>($"/api/v1/programs/{programId}/questionnaires/mentee", Json.Options))!;
        Assert.Equal(["note"], staffForm.Questions.Select(q => q.Id));
        var staffQueue = await staff.GetStringAsync($"/programs/{programId}/applications");
        Assert.DoesNotContain("answer:gender", staffQueue);
        Assert.DoesNotContain("<option value=\"gender\"", staffQueue);

        // The coordinators screen and match with it.
        var coordinatorView = (await coordinator.GetFromJsonAsync<ReviewApplicationView>($"{applications}/{id}", Json.Options))!;
        Assert.Equal("In another way", coordinatorView.Answers.Text("gender"));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync($"{applications}?sort=answer:gender")).StatusCode);
        // The applicant is told who sees it.
        var applyPage = System.Net.WebUtility.HtmlDecode(await (await factory.SignedInClientAsync(await factory.CreateUserAsync("New Comer"))).GetStringAsync($"/apply/{programId}/mentee"));
        Assert.Contains("The program's coordinators may see my answer to this question", applyPage);
    }

    [Fact]
    public async Task SortingOrFilteringTheQueueByAnAnswerLogsTheReadOfEachMinorOnThePage()
    {
        var school = await MinorsSchool.CreateAsync(factory);
        var recruiting = school.Recruiting;
        Task<List<AuditEntry>> EntriesAsync(Guid subject) => factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.SubjectUserId == subject).ToListAsync());

        Assert.Equal(HttpStatusCode.OK, (await recruiting.Coordinator.GetAsync(recruiting.Applications)).StatusCode);
        Assert.Empty(await EntriesAsync(school.Minor.Id));

        Assert.Equal(HttpStatusCode.OK, (await recruiting.Coordinator.GetAsync($"{recruiting.Applications}?sort=answer:why")).StatusCode);

        var entry = Assert.Single(await EntriesAsync(school.Minor.Id));
        Assert.Equal((recruiting.School.Coordinator.Id, AuditRecord.Application, recruiting.Program.Id, "Review queue sorted or filtered by an answer"),
            (entry.ActorUserId, entry.Record, entry.ProgramId, entry.Purpose));
        Assert.Empty(await EntriesAsync(school.Adult.Id));
        // The page filtering by an answer reads them too.
        Assert.Equal(HttpStatusCode.OK, (await recruiting.Coordinator.GetAsync($"/programs/{recruiting.Program.Id}/applications?sort=-answer:why")).StatusCode);
        Assert.Equal(2, (await EntriesAsync(school.Minor.Id)).Count);
    }

    [Fact]
    public async Task ANoticePublishedWhileTheFormIsOpenIsShownBeforeConsentIsRecorded()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var programId = recruiting.Program.Id;
        var notices = $"/api/v1/programs/{programId}/notices";
        Assert.Equal(HttpStatusCode.OK, (await recruiting.Coordinator.PostAsJsonAsync(notices, new { text = "Your answers find you a mentor. (v1)" })).StatusCode);
        var person = await factory.CreateUserAsync("Nia Notices");
        var pages = await PageClient.SignInAsync(factory, person.Email);
        var apply = $"/apply/{programId}/mentee";
        var open = With(await pages.FormFieldsAsync(apply, "application"), ("acceptsCodeOfConduct", "true"), ("intent", "submit"));
        Assert.Contains(open, f => f.Key == "dataUseNoticeVersion" && f.Value == "1");

        Assert.Equal(HttpStatusCode.OK, (await recruiting.Coordinator.PostAsJsonAsync(notices, new { text = "Your answers also go to the local council. (v2)", material = true })).StatusCode);
        var submitted = await pages.SubmitAsync(apply, "application", open);

        Assert.Equal(HttpStatusCode.Conflict, submitted.StatusCode);
        var page = System.Net.WebUtility.HtmlDecode(await submitted.Content.ReadAsStringAsync());
        Assert.Contains("The privacy notices changed while you were filling in the form", page);
        Assert.Contains("Your answers also go to the local council. (v2)", page);
        Assert.Contains("name=\"dataUseNoticeVersion\" value=\"2\"", page);
        Assert.Null(await StoredAsync(programId, person.Id));
        Assert.False(await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Consent>().AnyAsync(c => c.UserId == person.Id && c.ProgramId == programId)));

        // Submitted again from the page that shows version 2, consent is recorded on it.
        var again = await pages.SubmitAsync(apply, "application", With(await pages.FormFieldsAsync(apply, "application"), ("acceptsCodeOfConduct", "true"), ("intent", "submit")));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var consent = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Consent>().AsNoTracking()
            .SingleAsync(c => c.UserId == person.Id && c.ProgramId == programId));
        Assert.Equal((ConsentState.Given, 2), (consent.State, consent.ProgramNoticeVersion));
    }

    [Fact]
    public async Task ARefusedDecisionKeepsTheCoordinatorsMessageAndSelectionAndLineBreaksCountOnce()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var (_, a) = await recruiting.ApplyAsync(factory, "Ada Already");
        var (_, b) = await recruiting.ApplyAsync(factory, "Bo Bulk");
        var (_, c) = await recruiting.ApplyAsync(factory, "Cy Long");
        var coordinator = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);
        var queue = $"/programs/{recruiting.Program.Id}/applications";
        // Another coordinator approves Ada while this one ticks Ada and Bo and types a message.
        Assert.Equal(HttpStatusCode.OK, (await recruiting.Coordinator.PostAsJsonAsync($"{recruiting.Applications}/{a.Id}/decision", new { decision = "Approve" })).StatusCode);

        var bulk = await coordinator.SubmitAsync(queue, "bulk",
            [new("ids", a.Id.ToString()), new("ids", b.Id.ToString()), new("decision", "Waitlist"), new("message", "We will write in March.")]);

        Assert.Equal(HttpStatusCode.Conflict, bulk.StatusCode);
        var page = Html(await bulk.Content.ReadAsStringAsync());
        Assert.Equal("We will write in March.", page.QuerySelector<IHtmlInputElement>("#bulk-message")!.Value);
        Assert.True(page.QuerySelector<IHtmlInputElement>($"input[name=ids][value='{b.Id}']")!.IsChecked);

        // The single review page: the same message refused because the application was decided meanwhile stays in its box.
        var review = $"{queue}/{a.Id}";
        var refused = await coordinator.SubmitAsync(review, "decide", [new("decision", "Decline"), new("message", "Sorry, no places.")]);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Sorry, no places.", Html(await refused.Content.ReadAsStringAsync()).QuerySelector<IHtmlTextAreaElement>("#decision-message")!.Value);

        // A browser posts a text area's line breaks as CRLF; 120 lines are 1,919 characters, not 2,038.
        var message = string.Join("\r\n", Enumerable.Repeat("Welcome aboard.", 120));
        var decided = await coordinator.SubmitAsync($"{queue}/{c.Id}", "decide", [new("decision", "Approve"), new("message", message)]);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var view = (await recruiting.Coordinator.GetFromJsonAsync<ReviewApplicationView>($"{recruiting.Applications}/{c.Id}", Json.Options))!;
        Assert.Equal(ApplicationStatus.Approved, view.Status);
        Assert.Equal(message.ReplaceLineEndings("\n"), view.DecisionMessage);
    }

    [Fact]
    public async Task TheQueuePageShowsWhyAnAnswerFilterWasRefusedAndTheQueueWithoutIt()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var programId = recruiting.Program.Id;
        var staffUser = await factory.CreateUserAsync("Stef Staff");
        await factory.AddMemberAsync(recruiting.School.Organisation.Id, staffUser, Features.Organisations.OrganisationRole.Member);
        (await recruiting.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { staffUser.Email, role = "Staff" })).EnsureSuccessStatusCode();
        await recruiting.ApplyAsync(factory, "Quinn Queued");
        var staff = await factory.SignedInClientAsync(staffUser);

        var page = await staff.GetAsync($"/programs/{programId}/applications?question=health&value=Asthma");

        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("Only coordinators see the answers to private", html);
        Assert.Contains("Quinn Queued", html);
    }
}
