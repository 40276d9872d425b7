using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Matching;

namespace Tandem.Tests.Operations;

/// <summary>
/// Issue 10, item 6: pages speak the reader's language. Question text instead of question keys, scores against their
/// scale, counts that agree with their noun, failures as sentences, times in the reader's own zone, and a 404 page
/// of the app's own for an address that leads nowhere.
/// </summary>
public sealed class WordsPeopleUnderstandTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task MatchingPagesShowQuestionTextScoresOutOfTheirScaleAndCountsInAgreement()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music", "Sport"], 5, [10, 11, 12]);
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10, 11]);
        var page = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);
        var setupPath = $"/programs/{program.Program.Id}/matching/setup";

        var setup = WebUtility.HtmlDecode(await page.Http.GetStringAsync(setupPath));
        Assert.Contains("1 mentee and 1 mentor waiting: 1 possible pair.", setup);
        // Both forms' wording of the question (the mentor's form words it differently).
        Assert.Contains(">Which subject can you help with? / Which subject do you want help with?</option>", setup);
        Assert.Contains(">When are you free?</option>", setup);
        Assert.DoesNotContain(">subject", setup);
        Assert.DoesNotContain(">free<", setup);
        // The criteria of the unsaved default setup are named by their questions, never by their keys.
        Assert.Contains("value=\"Which subject do you want help with\"", setup);

        var ran = await page.SubmitAsync($"/programs/{program.Program.Id}/matching", "run", []);
        var draft = WebUtility.HtmlDecode(await ran.Content.ReadAsStringAsync());
        // Each criterion counts 1: same subject 1 of 1, Music shared 1 of 1, year 1 of 1, two common free hours 2 of 2,
        // the same part of town 0 of 1 for "different value": 5 of 6.
        Assert.Contains("5 of 6 possible", draft);
        Assert.Contains("same Which subject do you want help with: Maths", draft);
        Assert.Contains("When are you free (2 of 2)", draft);
        Assert.DoesNotContain("same subject", draft);

        var api = await program.Coordinator.GetFromJsonAsync<JsonElement>($"{program.Api}/drafts/latest", Json.Options);
        var proposal = api.GetProperty("proposals").GetProperty("items")[0];
        Assert.Equal(5, proposal.GetProperty("score").GetInt64());
        Assert.Equal(6, proposal.GetProperty("possible").GetInt64());
    }

    [Fact]
    public async Task AFailureOnAPageIsASentenceWithoutTheFrameworksCategory()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        var page = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);
        var setupPath = $"/programs/{program.Program.Id}/matching/setup";

        var refused = await page.SubmitAsync(setupPath, "setup",
        [
            new("name.0", "same"), new("kind.0", "SameValue"), new("question.0", "subject"), new("weight.0", "1"),
            new("name.1", "same"), new("kind.1", "SameValue"), new("question.1", "year"), new("weight.1", "1"),
            new("action", "save"),
        ]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Matches("<div class=\"alert\" role=\"alert\">[A-Z][^<]*\\.</div>", html);
        Assert.DoesNotContain("One or more validation errors occurred", html);
        Assert.DoesNotContain("Conflict.", html);
    }

    [Fact]
    public async Task EveryApiProblemCarriesASentenceInItsDetail()
    {
        var coordinator = await factory.SignedInClientAsync((await School.CreateAsync(factory)).Coordinator);

        var missing = await coordinator.GetAsync($"/api/v1/programs/{Guid.NewGuid()}");
        var nowhere = await coordinator.GetAsync("/api/v1/no-such-thing");
        var unreadable = await coordinator.PostAsync("/api/v1/programs", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        foreach (var (response, status) in new[] { (missing, HttpStatusCode.NotFound), (nowhere, HttpStatusCode.NotFound), (unreadable, HttpStatusCode.BadRequest) })
        {
            Assert.Equal(status, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            var detail = problem.GetProperty("detail").GetString();
            Assert.False(string.IsNullOrWhiteSpace(detail), $"{response.RequestMessage!.RequestUri}: no detail");
            Assert.True(char.IsUpper(detail![0]) && detail.TrimEnd().EndsWith('.'), detail);
        }
    }

    [Fact]
    public async Task TimesOnAPageAreInTheReadersOwnZoneWithTheZoneNamed()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music"], 5, [10]);
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        await program.RunAsync();
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            (await db.Users.FindAsync(program.School.Coordinator.Id))!.TimeZoneId = "Asia/Tokyo";
            return await db.SaveChangesAsync();
        });
        var page = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);

        var html = await page.Http.GetStringAsync($"/programs/{program.Program.Id}/matching");

        // The draft was made at 09:00 UTC on 1 February 2027: 18:00 in Tokyo.
        Assert.Contains("Made <time datetime=\"2027-02-01T09:00:00Z\">1 Feb 2027 18:00 Asia/Tokyo</time>", html);
        Assert.DoesNotContain(" UTC", html);

        // The zone is read with the session on each request (ADR 73): a change shows on the next page.
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            (await db.Users.FindAsync(program.School.Coordinator.Id))!.TimeZoneId = "Europe/Lisbon";
            return await db.SaveChangesAsync();
        });
        html = await page.Http.GetStringAsync($"/programs/{program.Program.Id}/matching");
        Assert.Contains("Made <time datetime=\"2027-02-01T09:00:00Z\">1 Feb 2027 09:00 Europe/Lisbon</time>", html);
    }

    [Fact]
    public async Task APageThatShowsTimesNeedsOneDatabaseConnectionNotTwo()
    {
        if (TestDatabase.Provider != DatabaseProvider.Postgres)
        {
            return; // SQLite's connections have no pool limit to reach.
        }
        var program = await MatchingProgram.CreateAsync(factory);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music"], 5, [10]);
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        await program.RunAsync();
        // A pool of two connections and eight page requests at once: a page that held the request's connection and
        // waited for a second one to read the reader's time zone ran the pool dry (ADR 73).
        await using var app = factory.WithWebHostBuilder(b =>
            b.UseSetting("ConnectionStrings:Tandem", factory.ConnectionString + ";Maximum Pool Size=2;Timeout=10"));
        var coordinator = await app.SignedInClientAsync(program.School.Coordinator);

        var pages = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => coordinator.GetAsync($"/programs/{program.Program.Id}/matching")));

        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        Assert.All(pages, p => Assert.Contains("Made <time datetime=", p.Content.ReadAsStringAsync().Result));
    }

    [Fact]
    public async Task AnAddressThatLeadsNowhereShowsTheAppsOwnNotFoundPageWithAWayBack()
    {
        var school = await School.CreateAsync(factory);
        var visitor = factory.AnonymousClient();
        var member = await PageClient.SignInAsync(factory, school.Coordinator.Email);

        foreach (var (client, path) in new[] { (visitor, "/no-such-page"), (member.Http, "/no/such/page"), (member.Http, $"/programs/{Guid.NewGuid()}") })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.StartsWith("text/html", response.Content.Headers.ContentType?.ToString());
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("<title>Not found · Tandem</title>", html);
            Assert.Contains("<h1>Not found</h1>", html);
            Assert.Contains("<a href=\"/\">Go to the start page</a>", html);
        }
    }
}
