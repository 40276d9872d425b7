using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tandem.Features.Goals;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Goals;

/// <summary>
/// Action items come from and go to the tools people already use (issue 13 item 2, ADR 59): a Trello board's JSON export
/// and a CSV in Asana's import columns, both written here by their documented formats (Fixtures/). All or nothing: a
/// malformed file is 422 naming every problem and writes nothing; a file over the limit is 413.
/// </summary>
public sealed class GoalImportTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateOnly Today => DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime);

    private static byte[] FixtureFile(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Goals", "Fixtures", name));

    private static string Import(Guid relationshipId, Guid goalId, string format) => $"{GoalTests.Goals(relationshipId)}/{goalId}/action-items/import?format={format}";

    private static ByteArrayContent Body(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<GoalView> BoardAsync(HttpClient client, Guid relationshipId, Guid goalId) =>
        (await client.GetFromJsonAsync<GoalView>($"{GoalTests.Goals(relationshipId)}/{goalId}", Json.Options))!;

    [Fact]
    public async Task ATrelloBoardExportImportsCardsIntoColumnsAndChecklistItemsAsMilestones()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4));

        var response = await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "trello"), Body(FixtureFile("trello-board.json"), "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<ActionItemImportResult>(Json.Options))!;
        Assert.Equal((4, 2), (result.ActionItems, result.Milestones));

        var board = await BoardAsync(mentee, pair.RelationshipId, goal.Id);
        var hobbit = board.ActionItems.Single(a => a.Title == "Borrow \"The Hobbit\"");
        Assert.Equal((ActionItemState.ToDo, "The library has two copies.", new DateOnly(2027, 2, 10), pair.Mentee.Id), (hobbit.State, hobbit.Notes, hobbit.DueOn, hobbit.AssigneeUserId));
        Assert.Equal(ActionItemState.Doing, board.ActionItems.Single(a => a.Title == "Read chapters 1–3").State);
        var chosen = board.ActionItems.Single(a => a.Title == "Choose a book together");
        Assert.Equal((ActionItemState.Done, pair.Mentor.Id), (chosen.State, chosen.AssigneeUserId));
        // In a list that is not a column ("Ideas"), an archived card counts as done.
        Assert.Equal(ActionItemState.Done, board.ActionItems.Single(a => a.Title == "Get a library card").State);
        // Cards without a Trello member who is in the pair are the importer's.
        Assert.Equal(pair.Mentee.Id, board.ActionItems.Single(a => a.Title == "Read chapters 1–3").AssigneeUserId);
        Assert.Equal(["Finish part one", "Finish the book"], board.Milestones.Select(m => m.Title).Order(StringComparer.Ordinal));
        Assert.NotNull(board.Milestones.Single(m => m.Title == "Finish part one").DoneAt);
        Assert.Null(board.Milestones.Single(m => m.Title == "Finish the book").DoneAt);
        Assert.Equal(new DateOnly(2027, 3, 1), board.Milestones.Single(m => m.Title == "Finish the book").DueOn);
        Assert.Equal((2, 4, 50), (board.ActionItemsDone, board.ActionItemsTotal, board.ProgressPercent));
    }

    [Fact]
    public async Task AnAsanaCsvImportsItsSectionsAssigneesAndDueDates()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4));
        var form = new MultipartFormDataContent { { Body(FixtureFile("asana-tasks.csv"), "text/csv"), "file", "asana-tasks.csv" } };

        var upload = new HttpRequestMessage(HttpMethod.Post, Import(pair.RelationshipId, goal.Id, "asana")) { Content = form };
        upload.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(mentee, "/account/password"));
        var response = await mentee.SendAsync(upload);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        var board = await BoardAsync(mentee, pair.RelationshipId, goal.Id);
        Assert.Equal(3, board.ActionItems.Count);
        var review = board.ActionItems.Single(a => a.Title == "Write a book review");
        Assert.Equal((ActionItemState.ToDo, "Half a page, for the school blog", new DateOnly(2027, 2, 20), pair.Mentee.Id), (review.State, review.Notes, review.DueOn, review.AssigneeUserId));
        var aloud = board.ActionItems.Single(a => a.Title == "Practise reading aloud");
        Assert.Equal((ActionItemState.Doing, "Ten minutes, twice a week; \"slowly\"", pair.Mentor.Id), (aloud.State, aloud.Notes, aloud.AssigneeUserId));
        var library = board.ActionItems.Single(a => a.Title == "Visit the town library");
        Assert.Equal((ActionItemState.Done, new DateOnly(2027, 1, 30), pair.Mentee.Id), (library.State, library.DueOn, library.AssigneeUserId));

        // Asana's own export names the assignee in "Assignee" (and their address in "Assignee Email") and the section in
        // "Section/Column"; ISO dates are read too. A partner is matched by name, the importer also by their own address.
        var exported = $"Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent task\n"
            + $"1204,2027-01-02,2027-01-20,2027-01-20,Meet the librarian,Doing,Mona Tor,{pair.Mentor.Email},,2027-02-03,,Ask about clubs,Reading,\n"
            + $"1205,2027-01-02,,2027-01-20,Return the books,To Do,,{pair.Mentee.Email},,,,,Reading,\n";
        var second = await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "asana"), new StringContent(exported, Encoding.UTF8, "text/csv"));
        Assert.True(second.StatusCode == HttpStatusCode.OK, await second.Content.ReadAsStringAsync());
        var librarian = (await BoardAsync(mentee, pair.RelationshipId, goal.Id)).ActionItems.Single(a => a.Title == "Meet the librarian");
        Assert.Equal((ActionItemState.Done, pair.Mentor.Id, new DateOnly(2027, 2, 3), "Ask about clubs"), (librarian.State, librarian.AssigneeUserId, librarian.DueOn, librarian.Notes));
        Assert.Equal(pair.Mentee.Id, (await BoardAsync(mentee, pair.RelationshipId, goal.Id)).ActionItems.Single(a => a.Title == "Return the books").AssigneeUserId);
    }

    [Fact]
    public async Task APartnersAddressInAnAsanaFileIsRefusedAsAStrangersIsSoAnImportConfirmsNoGuessedAddress()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4));
        const string stranger = "someone.else@test.example";

        async Task<string> RefusedAsync(string header, string address)
        {
            var response = await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "asana"), new StringContent($"Name,{header}\nAsk about clubs,{address}\n", Encoding.UTF8, "text/csv"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
            return JsonNode.Parse(body)!["problems"]!.ToJsonString().Replace(address, "ADDRESS", StringComparison.Ordinal);
        }

        foreach (var header in new[] { "Assignee", "Assignee Email" })
        {
            // Partners never see each other's addresses (ADR 59): the right guess and a wrong one get the same answer.
            Assert.Equal(await RefusedAsync(header, stranger), await RefusedAsync(header, pair.Mentor.Email));
        }
        Assert.Empty((await BoardAsync(mentee, pair.RelationshipId, goal.Id)).ActionItems);
    }

    [Theory]
    [InlineData("trello", "{\"cards\": [", "not JSON")]
    [InlineData("trello", "{\"name\": \"A board\"}", "not a Trello board export")]
    [InlineData("trello", "{\"cards\": [{\"name\": \"A card\", \"name\": \"The same field again\"}]}", "not a Trello board export")]
    [InlineData("trello", "{\"cards\": [{\"name\": \"Fine\"}, {\"name\": \"\"}, {\"name\": \"Bad date\", \"due\": \"soon\"}]}", "Card 2 has no name")]
    [InlineData("trello", "{\"cards\": [], \"checklists\": [{\"checkItems\": [{\"name\": \"x\", \"state\": \"maybe\"}]}]}", "complete")]
    [InlineData("asana", "Task,Notes\nFirst,\n", "import columns are")]
    [InlineData("asana", "Name,Due Date\nFirst,tomorrow\nSecond,02/30/2027\n", "not MM/DD/YYYY")]
    [InlineData("asana", "Name,Assignee\nFirst,stranger@elsewhere.example\n", "not a member")]
    [InlineData("asana", "Name,Description\n\"Unclosed,quote\n", "quoting")]
    [InlineData("asana", "Name\n", "no tasks")]
    public async Task AMalformedFileIsRefusedWith422AndNothingIsWritten(string format, string file, string expected)
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4));
        await GoalTests.AddItemAsync(mentee, pair.RelationshipId, goal.Id, "Already there");

        var response = await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, format), new StringContent(file, Encoding.UTF8, format == "trello" ? "application/json" : "text/csv"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {body}");
        Assert.Contains(expected, body);
        Assert.Contains("\"problems\"", body);
        var board = await BoardAsync(mentee, pair.RelationshipId, goal.Id);
        Assert.Equal(["Already there"], board.ActionItems.Select(a => a.Title));
        Assert.Empty(board.Milestones);
    }

    [Fact]
    public async Task AFileOverTheLimitIs413AndAnUnknownFormatOrBrokenTextIsRefused()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4));
        var huge = Encoding.UTF8.GetBytes("Name\n" + string.Concat(Enumerable.Repeat("A task with a long enough name to fill the file\n", 30_000)));

        var tooLarge = await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "asana"), Body(huge, "text/csv"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        var chunked = new StreamContent(new MemoryStream(huge));
        chunked.Headers.ContentType = new("text/csv");
        var request = new HttpRequestMessage(HttpMethod.Post, Import(pair.RelationshipId, goal.Id, "asana")) { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await mentee.SendAsync(request)).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "monday"), new StringContent("Name\nx\n", Encoding.UTF8, "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "asana"), Body([0x4E, 0x61, 0xFF, 0xFE, 0x0A], "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsync(Import(pair.RelationshipId, Guid.NewGuid(), "asana"), new StringContent("Name\nx\n", Encoding.UTF8, "text/csv"))).StatusCode);
        Assert.Empty((await BoardAsync(mentee, pair.RelationshipId, goal.Id)).ActionItems);
    }

    [Fact]
    public async Task ExportsAreTrelloShapedJsonAndAnAsanaImportableCsvThatImportBackTheSame()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4),
            milestones: new[] { new { title = "Halfway", dueOn = Today.AddMonths(2).ToString("yyyy-MM-dd") } });
        await GoalTests.AddItemAsync(mentee, pair.RelationshipId, goal.Id, "=cmd|' /C calc'!A0", pair.Mentor.Id, Today.AddDays(10));
        var doing = await GoalTests.AddItemAsync(mentee, pair.RelationshipId, goal.Id, "Read, then \"discuss\"");
        await mentee.PostAsJsonAsync($"{GoalTests.Goals(pair.RelationshipId)}/{goal.Id}/action-items/{doing.Id}/move", new { state = "Doing" });
        var url = $"{GoalTests.Goals(pair.RelationshipId)}/{goal.Id}/action-items/export";

        var trello = await mentee.GetAsync($"{url}?format=trello");
        Assert.True(trello.IsSuccessStatusCode, await trello.Content.ReadAsStringAsync());
        Assert.Equal("application/json", trello.Content.Headers.ContentType?.MediaType);
        var board = JsonNode.Parse(await trello.Content.ReadAsStringAsync())!;
        Assert.Equal(["To Do", "Doing", "Done"], board["lists"]!.AsArray().Select(l => l!["name"]!.GetValue<string>()));
        var card = board["cards"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "Read, then \"discuss\"")!;
        Assert.Equal("doing", card["idList"]!.GetValue<string>());
        Assert.Equal("Halfway", board["checklists"]![0]!["checkItems"]![0]!["name"]!.GetValue<string>());

        var asana = await mentee.GetAsync($"{url}?format=asana");
        Assert.Equal("text/csv", asana.Content.Headers.ContentType?.MediaType);
        var csv = await asana.Content.ReadAsStringAsync();
        Assert.StartsWith("Name,Description,Section/Column,Assignee,Due Date", csv.TrimStart('\uFEFF'));
        Assert.Contains($"'=cmd", csv);
        Assert.Contains($"To Do,Mona Tor,{Today.AddDays(10):MM/dd/yyyy}", csv);

        // What Tandem writes, Tandem reads back: into a second goal, the same items in the same columns.
        foreach (var (format, bytes) in new[] { ("trello", await trello.Content.ReadAsByteArrayAsync()), ("asana", await asana.Content.ReadAsByteArrayAsync()) })
        {
            var copy = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4), $"Copy via {format}");
            var imported = await mentee.PostAsync(Import(pair.RelationshipId, copy.Id, format), Body(bytes, "application/octet-stream"));
            Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
            var items = (await BoardAsync(mentee, pair.RelationshipId, copy.Id)).ActionItems;
            Assert.Equal(ActionItemState.Doing, items.Single(a => a.Title == "Read, then \"discuss\"").State);
            var mentorItem = items.Single(a => a.AssigneeUserId == pair.Mentor.Id);
            Assert.Equal(Today.AddDays(10), mentorItem.DueOn);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.GetAsync($"{url}?format=pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"{url}?format=asana")).StatusCode);
    }

    [Fact]
    public async Task ThePairImportsAnAsanaFileOnTheGoalsPageAndAMalformedOneIsRefusedThere()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4));
        var page = await fixture.SignInPagesAsync(pair.Mentee);
        var path = $"/relationships/{pair.RelationshipId}/goals";
        async Task<HttpResponseMessage> UploadAsync(byte[] file)
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(await PageClient.AntiforgeryTokenAsync(page.Http, path)), "__RequestVerificationToken" },
                { new StringContent($"import-{goal.Id}"), "_handler" },
                { new StringContent("asana"), "Format" },
                { Body(file, "text/csv"), "File", "tasks.csv" },
            };
            return await page.Http.PostAsync(path, form);
        }

        var imported = await UploadAsync(FixtureFile("asana-tasks.csv"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Contains("Imported 3 action items", await imported.Content.ReadAsStringAsync());
        var refused = await UploadAsync(Encoding.UTF8.GetBytes("Name,Due Date\nLater,someday\n"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("not MM/DD/YYYY", await refused.Content.ReadAsStringAsync());
        Assert.Equal(3, (await BoardAsync(mentee, pair.RelationshipId, goal.Id)).ActionItems.Count);
    }

    [Fact]
    public async Task ANulCharacterInAnImportIsRefusedNamingTheCardOrTheFileAndNothingIsWritten()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var goal = await GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, Today.AddMonths(4));
        // JSON's \u0000 escape parses to a NUL (PostgreSQL stores none in text: a 500 there).
        const string board = """
            {"cards": [{"name": "Read\u0000 a book"}, {"name": "Return it", "desc": "By\u0000 Friday"}],
             "checklists": [{"checkItems": [{"name": "Half\u0000 way", "state": "incomplete"}]}]}
            """;
        // UTF-16 with its byte-order mark: the raw NUL was let through where UTF-8's was refused.
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Name,Description\nRead\0 a book,\n")).ToArray();

        var trello = await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "trello"), Body(Encoding.UTF8.GetBytes(board), "application/json"));
        var asana = await mentee.PostAsync(Import(pair.RelationshipId, goal.Id, "asana"), Body(utf16, "text/csv"));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (trello.StatusCode, asana.StatusCode));
        var problems = (await trello.Content.ReadFromJsonAsync<JsonObject>())!["problems"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Equal(3, problems.Count);
        Assert.StartsWith("Card 1 (\"Read\uFFFD a book\"): its name holds a NUL character", problems[0]);
        Assert.StartsWith("Card 2 (\"Return it\"): its description holds a NUL character", problems[1]);
        Assert.StartsWith("Checklist 1, item 1 (\"Half\uFFFD way\"): its name holds a NUL character", problems[2]);
        Assert.Contains("without NUL characters", await asana.Content.ReadAsStringAsync());
        var after = await BoardAsync(mentee, pair.RelationshipId, goal.Id);
        Assert.Equal((0, 0), (after.ActionItems.Count, after.Milestones.Count));
    }
}
