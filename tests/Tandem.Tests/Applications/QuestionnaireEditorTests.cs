using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Tandem.Features.Applications;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

/// <summary>
/// Issue 10, item 7: the form editor adds, removes and reorders questions with buttons (no fixed empty slots), keeping
/// unsaved edits across posts and showing the form as applicants see it; availability is picked as time ranges per day.
/// </summary>
public sealed partial class QuestionnaireEditorTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static IEnumerable<KeyValuePair<string, string>> Rows(params string[] prompts) =>
        prompts.SelectMany((p, i) => new KeyValuePair<string, string>[] { new($"Form.Rows[{i}].Prompt", p), new($"Form.Rows[{i}].Type", "ShortText") });

    private static IEnumerable<KeyValuePair<string, string>> With(IEnumerable<KeyValuePair<string, string>> rows, string button) =>
        rows.Append(new("editor", button));

    /// <summary>The question texts in the editor's rows, in order.</summary>
    private static List<string> Prompts(string html) =>
        PromptInput().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["value"].Value)).ToList();

    [Fact]
    public async Task ACoordinatorAddsReordersAndRemovesQuestionsAndOnlySavingKeepsThem()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, recruiting.School.Coordinator.Email);
        var editor = $"/programs/{recruiting.Program.Id}/questionnaires/mentee";
        var api = $"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentee";

        // Opening recruitment needs a form for each role, so the program starts with the fixture's one-question form.
        var before = await (await recruiting.Coordinator.GetAsync(api)).Content.ReadAsStringAsync();
        var empty = await page.Http.GetStringAsync(editor);
        Assert.Single(Prompts(empty));
        Assert.Contains(">Add a question</button>", empty);

        var two = await (await page.SubmitAsync(editor, "questionnaire", With(Rows("Which book did you read last?"), "add"))).Content.ReadAsStringAsync();
        Assert.Equal(["Which book did you read last?", ""], Prompts(two));
        Assert.Contains("Question 2 added at the end", two);

        var three = await (await page.SubmitAsync(editor, "questionnaire", With(Rows("Which book did you read last?", "Who is your hero?"), "add"))).Content.ReadAsStringAsync();
        Assert.Equal(3, Prompts(three).Count);

        var moved = await page.SubmitAsync(editor, "questionnaire", With(Rows("Which book did you read last?", "Who is your hero?", "What do you want to learn?"), "up:2"));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var movedHtml = await moved.Content.ReadAsStringAsync();
        Assert.Equal(["Which book did you read last?", "What do you want to learn?", "Who is your hero?"], Prompts(movedHtml));
        Assert.Contains("Question 3 is now question 2.", movedHtml);

        var down = await (await page.SubmitAsync(editor, "questionnaire", With(Rows("Which book did you read last?", "What do you want to learn?", "Who is your hero?"), "down:0"))).Content.ReadAsStringAsync();
        Assert.Equal(["What do you want to learn?", "Which book did you read last?", "Who is your hero?"], Prompts(down));

        var removed = await page.SubmitAsync(editor, "questionnaire", With(Rows("What do you want to learn?", "Which book did you read last?", "Who is your hero?"), "remove:1"));
        var removedHtml = await removed.Content.ReadAsStringAsync();
        Assert.Equal(["What do you want to learn?", "Who is your hero?"], Prompts(removedHtml));
        // The preview shows the unsaved form as an applicant sees it.
        var preview = removedHtml[removedHtml.IndexOf("id=\"preview-heading\"", StringComparison.Ordinal)..];
        Assert.Contains("<legend>What do you want to learn?</legend>", preview);
        Assert.Contains("<legend>Who is your hero?</legend>", preview);
        Assert.DoesNotContain("Which book", preview);
        // Nothing is saved by the buttons.
        Assert.Equal(before, await (await recruiting.Coordinator.GetAsync(api)).Content.ReadAsStringAsync());

        var saved = await page.SubmitAsync(editor, "questionnaire", With(Rows("What do you want to learn?", "Who is your hero?"), "save"));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("The form is saved", await saved.Content.ReadAsStringAsync());
        var form = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>(api, Json.Options))!;
        Assert.Equal(["What do you want to learn?", "Who is your hero?"], form.Questions.Select(q => q.Prompt));

        // Reordering a saved form keeps each question's key, so answers stay with their question.
        var ids = form.Questions.Select(q => q.Id).ToList();
        var swapped = await page.SubmitAsync(editor, "questionnaire",
        [
            new("Form.Rows[0].Id", ids[0]), new("Form.Rows[0].Prompt", "What do you want to learn?"), new("Form.Rows[0].Type", "ShortText"),
            new("Form.Rows[1].Id", ids[1]), new("Form.Rows[1].Prompt", "Who is your hero?"), new("Form.Rows[1].Type", "ShortText"),
            new("editor", "down:0"),
        ]);
        Assert.Equal(["Who is your hero?", "What do you want to learn?"], Prompts(await swapped.Content.ReadAsStringAsync()));
        await page.SubmitAsync(editor, "questionnaire",
        [
            new("Form.Rows[0].Id", ids[1]), new("Form.Rows[0].Prompt", "Who is your hero?"), new("Form.Rows[0].Type", "ShortText"),
            new("Form.Rows[1].Id", ids[0]), new("Form.Rows[1].Prompt", "What do you want to learn?"), new("Form.Rows[1].Type", "ShortText"),
            new("editor", "save"),
        ]);
        var reordered = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>(api, Json.Options))!;
        Assert.Equal([ids[1], ids[0]], reordered.Questions.Select(q => q.Id));
    }

    [Fact]
    public async Task AnApplicantGivesFreeTimesAsRangesCopiesMondayAndTheAnswerIsStoredAsHourSlots()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var applicant = await factory.CreateUserAsync("Range Applicant");
        var page = await PageClient.SignInAsync(factory, applicant.Email);
        var apply = $"/apply/{recruiting.Program.Id}/mentor";

        var blank = await page.Http.GetStringAsync(apply);
        Assert.Contains("<legend>Monday</legend>", blank);
        Assert.Contains(">Copy Monday to weekdays</button>", blank);
        Assert.DoesNotContain("type=\"checkbox\" name=\"q.free\"", blank);

        // Monday 09:00–12:00, copied to the weekdays: shown on Tuesday to Friday, not on Saturday, and not saved yet.
        var copied = await page.SubmitAsync(apply, "application",
            [new("q.why", "To help"), new("q.free.d0.from.0", "9"), new("q.free.d0.to.0", "12"), new("intent", "copy-weekdays:free")]);
        Assert.Equal(HttpStatusCode.OK, copied.StatusCode);
        var copiedHtml = await copied.Content.ReadAsStringAsync();
        Assert.Contains("Monday&#x27;s times are copied to Tuesday to Friday.", copiedHtml);
        Assert.Contains("value=\"To help\"", copiedHtml);
        Assert.Contains("<option value=\"9\" selected>09:00</option>", Select(copiedHtml, "q.free.d4.from.0"));
        Assert.Contains("<option value=\"12\" selected>12:00</option>", Select(copiedHtml, "q.free.d4.to.0"));
        Assert.DoesNotContain(" selected>", Select(copiedHtml, "q.free.d5.from.0"));
        Assert.Empty((await page.Http.GetFromJsonAsync<Paged<MyApplicationSummary>>("/api/v1/me/applications", Json.Options))!.Items);

        // London is on UTC in February: Monday 09:00–12:00 is slots 9–11, Wednesday 14:00–15:00 slot 62.
        var saved = await page.SubmitAsync(apply, "application",
        [
            new("q.why", "To help"), new("q.free.d0.from.0", "9"), new("q.free.d0.to.0", "12"),
            new("q.free.d2.from.0", "14"), new("q.free.d2.to.0", "15"), new("q.free.d2.from.1", ""), new("q.free.d2.to.1", ""),
            new("intent", "save"),
        ]);
        Assert.Contains("Draft saved", await saved.Content.ReadAsStringAsync());
        var mine = (await page.Http.GetFromJsonAsync<Paged<MyApplicationSummary>>("/api/v1/me/applications", Json.Options))!.Items.Single();
        var stored = (await page.Http.GetFromJsonAsync<MyApplicationView>($"/api/v1/me/applications/{mine.Id}", Json.Options))!;
        Assert.Equal("[9,10,11,62]", stored.Answers["free"].GetRawText());
    }

    /// <summary>The HTML of the select named <paramref name="name"/>.</summary>
    private static string Select(string html, string name)
    {
        var start = html.IndexOf($"name=\"{name}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No select named {name}");
        return html[start..html.IndexOf("</select>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task ANewQuestionNeverTakesTheIdOfARemovedOneSoTheAnswersGivenToTheRemovedOneDoNotMoveToIt()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        var api = $"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentee";
        (await recruiting.Coordinator.PutAsJsonAsync(api, new
        {
            questions = new object[]
            {
                new { type = "ShortText", prompt = "Which subject?", required = false },
                new { type = "LongText", prompt = "Any health needs?", required = false, @private = true },
            },
        })).EnsureSuccessStatusCode();
        var first = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>(api, Json.Options))!;
        var health = first.Questions[1].Id;
        // An applicant's draft answers the private question, so the next save makes a new version.
        var (applicant, _) = await recruiting.ApplyAsync(factory, "Hana Draft",
            new Dictionary<string, object> { [first.Questions[0].Id] = "Maths", [health] = "Asthma, carries an inhaler" }, role: "mentee", submit: false);

        // The coordinator removes the private question and adds a new one, as the editor posts it: without an id.
        (await recruiting.Coordinator.PutAsJsonAsync(api, new
        {
            questions = new object[]
            {
                new { id = first.Questions[0].Id, type = "ShortText", prompt = "Which subject?", required = false },
                new { type = "LongText", prompt = "Tell your mentor about yourself", required = false },
            },
        })).EnsureSuccessStatusCode();
        var second = (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>(api, Json.Options))!;
        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal(first.Questions[0].Id, second.Questions[0].Id);
        Assert.NotEqual(health, second.Questions[1].Id);

        // The applicant's form on the new version: the subject carried over, the health answer not shown under the new prompt.
        var form = await applicant.GetStringAsync($"/apply/{recruiting.Program.Id}/mentee");
        Assert.Contains("Tell your mentor about yourself", form);
        Assert.Contains("Maths", form);
        Assert.DoesNotContain("inhaler", form);
    }

    [Fact]
    public async Task AnAnsweredFormSavedEightTimesAtOnceMakesOneNewVersionAndNoServerError()
    {
        var recruiting = await RecruitingProgram.CreateAsync(factory);
        await recruiting.ApplyAsync(factory, "Ada Applicant", submit: false); // answered: the next save is a new version
        var api = $"/api/v1/programs/{recruiting.Program.Id}/questionnaires/mentor";

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            recruiting.Coordinator.PutAsJsonAsync(api, new { questions = RecruitingProgram.MentorQuestions })));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)a.StatusCode}"));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(2, (await recruiting.Coordinator.GetFromJsonAsync<QuestionnaireView>(api, Json.Options))!.Version);
    }

    [GeneratedRegex("<input id=\"prompt-\\d+\"(?:[^>]*? value=\"(?<value>[^\"]*)\")?[^>]*>")]
    private static partial Regex PromptInput();
}
