using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Journal;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Paging;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Operations;

namespace Tandem.Tests.Journal;

/// <summary>
/// Issue 13 item 3: a private reflective journal. Entries are read by their author only, through no page, API or
/// export by a coordinator or administrator (the sweep below requests every GET route the access matrix knows, with
/// this program's, pair's and entry's ids); the author exports and deletes them and can share one with their partner.
/// </summary>
public sealed partial class JournalTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private const string Journal = "/api/v1/me/journal";

    private static async Task<JournalEntryView> WriteAsync(HttpClient client, string body, Guid? promptId = null)
    {
        var response = await client.PostAsJsonAsync(Journal, new { body, promptId });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JournalEntryView>(Json.Options))!;
    }

    [Fact]
    public async Task NoCoordinatorOrAdministratorReadsAnEntryThroughAnyPageApiOrExport()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var marker = $"JRN{Guid.NewGuid():N}"[..14];
        var prompt = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/journal-prompts", new { text = "What surprised you this week?" });
        Assert.Equal(HttpStatusCode.Created, prompt.StatusCode);
        var promptId = (await prompt.Content.ReadFromJsonAsync<JournalPromptView>(Json.Options))!.Id;
        var entry = await WriteAsync(mentee, $"I was surprised {marker}", promptId);
        Assert.Equal(("What surprised you this week?", pair.ProgramId), (entry.PromptText, entry.ProgramId));
        Assert.Contains(marker, await mentee.GetStringAsync($"{Journal}/{entry.Id}"));
        Assert.Contains(marker, await mentee.GetStringAsync("/my/journal"));

        var administrator = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Ministrator", administrator: true));
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["programId"] = pair.ProgramId.ToString(),
            ["relationshipId"] = pair.RelationshipId.ToString(),
            ["organisationId"] = pair.School.Organisation.Id.ToString(),
            ["userId"] = pair.Mentee.Id.ToString(),
            ["entryId"] = entry.Id.ToString(),
        };
        var swept = 0;
        foreach (var (reader, name) in new[] { (pair.Coordinator, "coordinator"), (administrator, "administrator") })
        {
            foreach (var route in AccessMatrixTests.Matrix.Keys.Where(k => k.StartsWith("GET /", StringComparison.Ordinal) || k.StartsWith("* /", StringComparison.Ordinal)))
            {
                var path = RouteParameter().Replace(route[(route.IndexOf(' ') + 1)..], m => ids.GetValueOrDefault(m.Groups["name"].Value, "\u0000"));
                if (path.Contains('\u0000') || path.Contains('{') || path.StartsWith("/hubs/", StringComparison.Ordinal))
                {
                    continue; // a parameter that is not an id of this program (a role, a file, a token)
                }
                var response = await reader.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                Assert.False(body.Contains(marker, StringComparison.Ordinal), $"{name} read the entry at {path} ({(int)response.StatusCode})");
                swept++;
            }
            // The entry's own address is "not found" for them, not "forbidden": they do not learn it exists.
            Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"{Journal}/{entry.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await reader.PutAsJsonAsync($"{Journal}/{entry.Id}", new { body = "changed" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await reader.DeleteAsync($"{Journal}/{entry.Id}")).StatusCode);
        }
        Assert.True(swept > 100, $"only {swept} routes were requested");
        // The exports staff and operators make for a person (on request, by letter, for a guardian) do not hold it either.
        var export = await fixture.WithScopeAsync(s => s.GetRequiredService<ExportMyData>().RunAsync(pair.Mentee.Id));
        Assert.DoesNotContain(marker, System.Text.Encoding.UTF8.GetString(export!));
        Assert.Contains(marker, await mentee.GetStringAsync($"{Journal}/{entry.Id}"));
    }

    [Fact]
    public async Task TheAuthorSharesOneEntryWithTheirPartnerAndTakesItBack()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var secondPair = await pair.SecondPairAsync();
        var entry = await WriteAsync(mentee, "Our first meeting went better than I expected.");
        await WriteAsync(mentee, "This one stays private.");

        var share = await mentee.PutAsJsonAsync($"{Journal}/{entry.Id}/share", new { relationshipId = pair.RelationshipId });
        Assert.Equal(HttpStatusCode.OK, share.StatusCode);
        var shared = (await mentor.GetFromJsonAsync<Paged<SharedJournalEntryView>>($"{Journal}/shared-with-me", Json.Options))!;
        var seen = Assert.Single(shared.Items);
        Assert.Equal(("Our first meeting went better than I expected.", "Menna Tee", pair.RelationshipId), (seen.Body, seen.AuthorName, seen.RelationshipId));
        Assert.Contains("Our first meeting went better than I expected.", await mentor.GetStringAsync("/my/journal"));
        Assert.DoesNotContain("This one stays private.", await mentor.GetStringAsync("/my/journal"));
        // Someone outside the pair sees nothing, and a pair the author is not in cannot be chosen.
        Assert.Empty((await other.GetFromJsonAsync<Paged<SharedJournalEntryView>>($"{Journal}/shared-with-me", Json.Options))!.Items);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PutAsJsonAsync($"{Journal}/{entry.Id}/share", new { relationshipId = secondPair })).StatusCode);
        // The partner cannot change or delete it.
        Assert.Equal(HttpStatusCode.NotFound, (await mentor.DeleteAsync($"{Journal}/{entry.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await mentee.PutAsJsonAsync($"{Journal}/{entry.Id}/share", new { relationshipId = (Guid?)null })).StatusCode);
        Assert.Empty((await mentor.GetFromJsonAsync<Paged<SharedJournalEntryView>>($"{Journal}/shared-with-me", Json.Options))!.Items);
    }

    [Fact]
    public async Task TheAuthorEditsExportsAndDeletesEntriesAndBadInputIsRefused()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var first = await WriteAsync(mentee, "Week one: nervous.");
        var second = await WriteAsync(mentee, "Week two: we planned a science fair project.");

        var edited = await mentee.PutAsJsonAsync($"{Journal}/{first.Id}", new { body = "Week one: nervous, then fine." });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.NotNull((await edited.Content.ReadFromJsonAsync<JournalEntryView>(Json.Options))!.EditedAt);
        var list = (await mentee.GetFromJsonAsync<Paged<JournalEntryView>>(Journal, Json.Options))!;
        Assert.Equal([second.Id, first.Id], list.Items.Select(e => e.Id));

        var download = await mentee.GetAsync($"{Journal}/export");
        Assert.Equal("application/json", download.Content.Headers.ContentType?.MediaType);
        using (var document = JsonDocument.Parse(await download.Content.ReadAsStringAsync()))
        {
            Assert.Equal(["Week one: nervous, then fine.", "Week two: we planned a science fair project."],
                document.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("body").GetString()));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await mentee.DeleteAsync($"{Journal}/{first.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"{Journal}/{first.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.DeleteAsync($"{Journal}/{first.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(Journal, new { body = "  " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(Journal, new { body = new string('x', JournalEntry.BodyMax + 1) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(Journal, new { body = "hello", promptId = Guid.NewGuid() })).StatusCode);
        Assert.Single((await mentee.GetFromJsonAsync<Paged<JournalEntryView>>(Journal, Json.Options))!.Items);
        // Prompts are the coordinators' to write; a mentee cannot, and another school's coordinator does not find the program.
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/journal-prompts", new { text = "Mine?" })).StatusCode);
        var stranger = await School.CreateAsync(fixture.Tandem);
        var outsider = await fixture.SignInAsync(stranger.Coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/journal-prompts", new { text = "Hello" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/programs/{pair.ProgramId}/journal-prompts")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/journal-prompts", new { text = "" })).StatusCode);
    }

    [Fact]
    public async Task ThePageWritesAnEntryAndKeepsWhatWasTypedWhenItIsRefused()
    {
        var pair = await fixture.PairAsync();
        var page = await fixture.SignInPagesAsync(pair.Mentee);

        var saved = await page.SubmitAsync("/my/journal", "journal-write", [new("Body", "Written on the page.")]);
        var html = await saved.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Entry saved. Only you can read it.", html);
        Assert.Contains("Written on the page.", html);

        var refused = await page.SubmitAsync("/my/journal", "journal-write", [new("Body", new string('y', JournalEntry.BodyMax + 1))]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("An entry can be at most 20,000 characters.", refusedHtml);
        Assert.Contains(new string('y', 200), refusedHtml);

        // The coordinator's own journal page shows their (empty) journal, not the mentee's.
        var coordinatorPage = await pair.Coordinator.GetStringAsync("/my/journal");
        Assert.Contains("No entries yet.", coordinatorPage);
        Assert.DoesNotContain("Written on the page.", coordinatorPage);
    }

    [Fact]
    public async Task ALongEntryTheBoxAcceptedIsSavedWithItsLineBreaks()
    {
        var pair = await fixture.PairAsync();
        var page = await fixture.SignInPagesAsync(pair.Mentee);
        // 200 lines of 99 letters: 20,198 characters as a browser posts them (CRLF), 19,999 as the box counted them.
        var lines = Enumerable.Range(0, 200).Select(i => new string((char)('a' + i % 26), 99)).ToList();

        var saved = await page.SubmitAsync("/my/journal", "journal-write", [new("Body", string.Join("\r\n", lines))]);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Entry saved. Only you can read it.", await saved.Content.ReadAsStringAsync());
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var entry = Assert.Single((await mentee.GetFromJsonAsync<Paged<JournalEntryView>>(Journal, Json.Options))!.Items);
        Assert.Equal(string.Join("\n", lines), entry.Body);
    }

    [Fact]
    public async Task AnEntryEditedOrSharedWhileItIsDeletedIsNotFound()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var actor = new Actor(pair.Mentee.Id, false);
        var edited = await WriteAsync(mentee, "Edited from an old tab");
        var shared = await WriteAsync(mentee, "Shared from an old tab");
        Task Delete(TandemDb db, Guid id) => db.Set<JournalEntry>().Where(e => e.Id == id).ExecuteDeleteAsync();

        var edit = await DeletedMeanwhile.RunAsync<MyJournal, Outcome<JournalEntryView>>(fixture.Tandem, db => Delete(db, edited.Id),
            j => j.EditAsync(actor, edited.Id, new WriteJournalEntryRequest { Body = "Changed" }));
        var share = await DeletedMeanwhile.RunAsync<MyJournal, Outcome<JournalEntryView>>(fixture.Tandem, db => Delete(db, shared.Id),
            j => j.ShareAsync(actor, shared.Id, pair.RelationshipId));

        Assert.Equal("No journal entry with this id is yours.", Assert.IsType<NotFound>(edit.Failure).Detail);
        Assert.Equal("No journal entry with this id is yours.", Assert.IsType<NotFound>(share.Failure).Detail);
        Assert.Empty((await mentee.GetFromJsonAsync<Paged<JournalEntryView>>(Journal, Json.Options))!.Items);
    }

    [Fact]
    public async Task AfterRetentionAProgramsPromptsAreNotOfferedAndNothingIsWrittenToThemOrSharedWithItsPairs()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var prompt = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/journal-prompts", new { text = "What surprised you this week?" });
        var promptId = (await prompt.Content.ReadFromJsonAsync<JournalPromptView>(Json.Options))!.Id;
        var free = await WriteAsync(mentee, "A free entry, the author's own");
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });

        var offered = (await mentee.GetFromJsonAsync<List<JournalPromptView>>($"{Journal}/prompts", Json.Options))!;
        var written = await mentee.PostAsJsonAsync(Journal, new { body = "Kept forever?", promptId });
        var share = await mentee.PutAsJsonAsync($"{Journal}/{free.Id}/share", new { relationshipId = pair.RelationshipId });

        Assert.DoesNotContain(offered, p => p.Id == promptId);
        Assert.DoesNotContain("What surprised you this week?", await mentee.GetStringAsync("/my/journal"));
        Assert.Equal(HttpStatusCode.Conflict, written.StatusCode);
        Assert.Contains("anonymised", await written.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, share.StatusCode);
        Assert.Contains("anonymised", await share.Content.ReadAsStringAsync());
        var entries = (await mentee.GetFromJsonAsync<Paged<JournalEntryView>>(Journal, Json.Options))!.Items;
        Assert.Equal((free.Id, (Guid?)null), (Assert.Single(entries).Id, entries[0].SharedWithRelationshipId));
        // A free entry is still the author's to write.
        await WriteAsync(mentee, "Still mine");
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:[a-z]+)?\??\}")]
    private static partial Regex RouteParameter();
}
