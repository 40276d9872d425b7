using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Features.Matching;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

/// <summary>
/// Exports both ways (issue 14, item 3): the pool as a problem file with opaque ids, solved by `tandem solve` as anyone
/// would, and the result imported back as a draft after every pair is checked against the pool's rules.
/// </summary>
public sealed class MatchingExchangeTests(TandemFactory factory) : IClassFixture<TandemFactory>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tandem-exchange-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<MatchingProgram> SmallPoolAsync(TandemFactory factory)
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        return program;
    }

    private async Task<string> SolveAsync(string problem)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, problem);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, await TandemCli.RunAsync(["solve", path], stdout, stderr));
        return stdout.ToString();
    }

    [Fact]
    public async Task TheExportedPoolHoldsScoresAndOpaqueIdsOnlyAndItsSolvedResultImportsAsTheSameDraft()
    {
        var program = await SmallPoolAsync(factory);
        var engine = await program.RunAsync();

        var response = await program.Coordinator.GetAsync($"{program.Api}/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        var problem = await response.Content.ReadAsStringAsync();

        // No names, no answers, no enrolment ids: only ids, places and scores.
        foreach (var secret in new[] { "Maya", "Ella", "Gus", "Maths", "Northside", "Asthma", "fractions" }
            .Concat(program.People.Values.Select(p => p.EnrolmentId.ToString())))
        {
            Assert.DoesNotContain(secret, problem);
        }
        using (var doc = JsonDocument.Parse(problem))
        {
            var root = doc.RootElement;
            Assert.Equal(["m1", "m2"], root.GetProperty("mentors").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
            Assert.Equal(["e1", "e2", "e3"], root.GetProperty("mentees").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
            // Gus (e3) has no mentor a year ahead: the hard rule leaves him no pair. Ella–Maya scores 15 as in the draft.
            var pairs = root.GetProperty("pairs").EnumerateArray().Select(p => (p.GetProperty("mentee").GetString(), p.GetProperty("mentor").GetString(), p.GetProperty("score").GetInt32())).ToList();
            Assert.DoesNotContain(pairs, p => p.Item1 == "e3");
            Assert.Contains(("e1", "m1", 15), pairs);
        }

        var result = await SolveAsync(problem);
        var imported = await program.Coordinator.PostAsync($"{program.Api}/imports", new StringContent(result, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        var draft = (await imported.Content.ReadFromJsonAsync<MatchDraftView>(Json.Options))!;

        Assert.Equal(2, draft.Number);
        Assert.Equal(engine.Pairs(), draft.Pairs());
        Assert.Equal(engine.Figures, draft.Figures);
        Assert.False(draft.Proof.ProvenOptimal);
        Assert.StartsWith("Imported from a result solved outside Tandem", draft.Proof.Statement);
        Assert.Equal("Gus Mentee", Assert.Single(draft.UnmatchedPeople).Name);
        Assert.Equal(0, draft.Comparison!.Changed + draft.Comparison.New + draft.Comparison.Dropped);
    }

    [Fact]
    public async Task AnImportedResultThatBreaksAHardRuleIsRefusedWithThePairNamedAndNothingIsStored()
    {
        var program = await SmallPoolAsync(factory);
        (await program.Coordinator.GetAsync($"{program.Api}/export")).EnsureSuccessStatusCode();

        // Gus (e3, year 5) with Maya (m1, year 5): the mentor is not a year ahead.
        var response = await program.Coordinator.PostAsJsonAsync($"{program.Api}/imports", new
        {
            assignments = new[] { new { mentee = "e1", mentor = "m1" }, new { mentee = "e3", mentor = "m2" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Contains("The result breaks a rule of the pool, so it was not imported: Ned Mentor and Gus Mentee: the hard rule \\\"year\\\" is not met", StringComparison.Ordinal), body);
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.GetAsync($"{program.Api}/drafts/latest")).StatusCode);

        // A mentor given more than their places, an id the export does not have, a prohibition.
        var twice = await program.Coordinator.PostAsJsonAsync($"{program.Api}/imports", new
        {
            assignments = new[] { new { mentee = "e1", mentor = "m1" }, new { mentee = "e2", mentor = "m1" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("is given more than their 1 free place(s)", await twice.Content.ReadAsStringAsync());
        var unknown = await program.Coordinator.PostAsJsonAsync($"{program.Api}/imports", new { assignments = new[] { new { mentee = "e9", mentor = "m1" } } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("assignments[0]", await unknown.Content.ReadAsStringAsync());
        (await program.RuleAsync("Forbid", "Maya Mentor", "Ella Mentee")).EnsureSuccessStatusCode();
        var forbidden = await program.Coordinator.PostAsJsonAsync($"{program.Api}/imports", new { assignments = new[] { new { mentee = "e1", mentor = "m1" } } });
        Assert.Equal(HttpStatusCode.BadRequest, forbidden.StatusCode);
        Assert.Contains("Maya Mentor and Ella Mentee: the coordinator forbade this pair", await forbidden.Content.ReadAsStringAsync());
        var shapeless = await program.Coordinator.PostAsJsonAsync($"{program.Api}/imports", new { matches = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, shapeless.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.GetAsync($"{program.Api}/drafts/latest")).StatusCode);
    }

    [Fact]
    public async Task ImportingBeforeAnyExportSaysWhatToDoFirst()
    {
        var program = await SmallPoolAsync(factory);
        var response = await program.Coordinator.PostAsJsonAsync($"{program.Api}/imports", new { assignments = new[] { new { mentee = "e1", mentor = "m1" } } });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Export this program's pool first", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.GetAsync($"{program.Api}/export?candidates=0")).StatusCode);
    }

    [Fact]
    public async Task AParticipantCannotExportOrImport()
    {
        var program = await SmallPoolAsync(factory);
        var ella = await program.SignInAsync("Ella Mentee");
        var export = await ella.GetAsync($"{program.Api}/export");
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.Equal("application/problem+json", export.Content.Headers.ContentType?.MediaType);
        Assert.Null(export.Content.Headers.ContentDisposition);
        Assert.Equal(HttpStatusCode.Forbidden, (await ella.PostAsJsonAsync($"{program.Api}/imports", new { assignments = Array.Empty<object>() })).StatusCode);
    }
}
