using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

/// <summary>
/// Stable matching by the participants' rankings (issue 14, item 5): the coordinator offers candidates, mentees and mentors
/// rank them (API and page), the run gives the mentee-optimal stable match and the draft says, for every pair, which choice it
/// is for both and why neither got a better one.
/// </summary>
public sealed class StableMatchingTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    /// <summary>
    /// Mentors Maya (Maths, year 5) and Ned (English, year 4), one place each; mentees Ella (Maths, year 2) and Priya (Maths,
    /// Music/Sport, year 2). Every mentor is a year ahead of every mentee, so with two candidates each mentee is offered both.
    /// </summary>
    private static async Task<MatchingProgram> PoolAsync(TandemFactory factory, string goal = "Stable")
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music", "Sport"], 5, [10, 11, 12], background: "Northside");
        await program.ApproveAsync("Ned Mentor", "mentor", "English", ["Games"], 4, [50], background: "Northside");
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10, 11], background: "Northside");
        await program.ApproveAsync("Priya Mentee", "mentee", "Maths", ["Music", "Sport"], 2, [10, 11, 12], background: "Southside");
        var setup = System.Text.Json.JsonSerializer.SerializeToNode(MatchingProgram.SmallPoolSetup())!.AsObject();
        setup["goal"] = goal;
        var saved = await program.SaveSetupAsync(setup);
        Assert.Equal(Enum.Parse<MatchingGoal>(goal), saved.Goal);
        return program;
    }

    private static async Task<RankingStatusView> OfferAsync(MatchingProgram program, int candidates = 2)
    {
        var response = await program.Coordinator.PostAsJsonAsync($"{program.Api}/offers", new { candidates });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RankingStatusView>(Json.Options))!;
    }

    private static string MyCandidates(MatchingProgram program) => $"/api/v1/programs/{program.Program.Id}/my-candidates";

    /// <summary>The person ranks their candidates, named in order (first choice first); "-name" is left out.</summary>
    private static async Task<HttpResponseMessage> RankAsync(MatchingProgram program, string who, params string[] order)
    {
        var client = await program.SignInAsync(who);
        var choice = 0;
        var candidates = order.Select(name => name.StartsWith('-')
            ? (object)new { enrolmentId = program.People[name[1..]].EnrolmentId, leftOut = true }
            : new { enrolmentId = program.People[name].EnrolmentId, choice = ++choice }).ToArray();
        return await client.PutAsJsonAsync(MyCandidates(program), new { candidates });
    }

    [Fact]
    public async Task EveryoneRanksAndTheDraftIsTheStableMatchWithEachPersonsChoiceExplained()
    {
        var program = await PoolAsync(factory);
        var status = await OfferAsync(program);
        Assert.Equal((4, 2, 2, 2, 0, 0), (status.Offers, status.CandidatesPerMentee, status.OfferedMentees, status.OfferedMentors, status.MenteesWhoRanked, status.MentorsWhoRanked));

        // Both mentees want Maya first; Maya prefers Priya, Ned prefers Ella.
        Assert.Equal(HttpStatusCode.OK, (await RankAsync(program, "Ella Mentee", "Maya Mentor", "Ned Mentor")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RankAsync(program, "Priya Mentee", "Maya Mentor", "Ned Mentor")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RankAsync(program, "Maya Mentor", "Priya Mentee", "Ella Mentee")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RankAsync(program, "Ned Mentor", "Ella Mentee", "Priya Mentee")).StatusCode);
        status = (await program.Coordinator.GetFromJsonAsync<RankingStatusView>($"{program.Api}/offers", Json.Options))!;
        Assert.Equal((2, 2), (status.MenteesWhoRanked, status.MentorsWhoRanked));

        var draft = await program.RunAsync();

        Assert.Equal(["Maya Mentor–Priya Mentee", "Ned Mentor–Ella Mentee"], draft.Pairs());
        Assert.Equal(MatchingGoal.Stable, draft.Proof.Goal);
        Assert.False(draft.Proof.ProvenOptimal);
        Assert.StartsWith("Stable: no mentee and mentor would both rather be together", draft.Proof.Statement);
        Assert.Contains("checked against all 4 pairs who accept each other", draft.Proof.Statement);
        Assert.Contains("1 of 2 matched mentees got their first choice", draft.Proof.Statement);

        var ella = draft.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee");
        Assert.Equal((2, 1), (ella.MenteeChoice, ella.MentorChoice));
        Assert.Contains("Ella Mentee got their 2nd choice: Maya Mentor (1st) is full with mentees they ranked higher.", ella.ChoiceNote);
        Assert.Contains("For Ned Mentor, Ella Mentee is their first choice.", ella.ChoiceNote);
        var priya = draft.Proposals.Items.Single(p => p.Second.Name == "Priya Mentee");
        Assert.Equal((1, 1), (priya.MenteeChoice, priya.MentorChoice));

        // The coordinator's page shows the statement and each pair's choices.
        var page = System.Net.WebUtility.HtmlDecode(await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/matching"));
        Assert.Contains("Stable: no mentee and mentor would both rather be together", page);
        Assert.Contains("2nd choice of the mentee, 1st of the mentor. Ella Mentee got their 2nd choice", page);
        Assert.Contains("2 of 2 mentees and 2 of 2 mentors have ranked", page);
    }

    [Fact]
    public async Task NotForMeIsNeverProposedAndTheOneLeftOverIsToldWhy()
    {
        var program = await PoolAsync(factory);
        await OfferAsync(program);
        await RankAsync(program, "Ella Mentee", "Maya Mentor", "Ned Mentor");
        Assert.Equal(HttpStatusCode.OK, (await RankAsync(program, "Priya Mentee", "Maya Mentor", "-Ned Mentor")).StatusCode);
        await RankAsync(program, "Maya Mentor", "Ella Mentee", "Priya Mentee");
        // Ned does not rank: his candidates count best score first.

        var draft = await program.RunAsync();

        Assert.Equal(["Maya Mentor–Ella Mentee"], draft.Pairs());
        var priya = draft.UnmatchedPeople.Single(u => u.Name == "Priya Mentee");
        Assert.Equal("every mentor they ranked either left them out or is full with mentees that mentor ranked higher", priya.Reason);
        Assert.Contains("1 person with candidates did not rank them", draft.Proof.Statement);
        Assert.Contains(draft.UnmatchedPeople, u => u.Name == "Ned Mentor");

        // Offering again keeps what people said about the pairs offered again.
        await OfferAsync(program);
        var mine = await (await program.SignInAsync("Priya Mentee")).GetFromJsonAsync<MyCandidatesView>(MyCandidates(program), Json.Options);
        Assert.Equal([("Maya Mentor", (int?)1, false), ("Ned Mentor", null, true)], mine!.Candidates.Select(c => (c.Name, c.Choice, c.LeftOut)));
        Assert.True(mine.Ranked);
    }

    [Fact]
    public async Task AParticipantSeesOnlyTheirOwnRankingAndPublicReasons()
    {
        var program = await PoolAsync(factory);
        await program.ApproveAsync("Zoe Mentee", "mentee", "Science", [], 5, []);
        await OfferAsync(program);
        await RankAsync(program, "Maya Mentor", "Priya Mentee", "Ella Mentee");

        var ella = await program.SignInAsync("Ella Mentee");
        var raw = await ella.GetStringAsync(MyCandidates(program));
        var view = System.Text.Json.JsonSerializer.Deserialize<MyCandidatesView>(raw, Json.Options)!;
        Assert.Equal(Tandem.Features.Programs.ProgramRole.Mentee, view.Role);
        Assert.False(view.Ranked);
        Assert.Equal(["Maya Mentor", "Ned Mentor"], view.Candidates.Select(c => c.Name).Order());
        // Maya ranked Ella second: Ella never learns it, nor the scores, nor anything from a private answer.
        Assert.All(view.Candidates, c => Assert.Null(c.Choice));
        var fields = JsonNode.Parse(raw)!["candidates"]![0]!.AsObject().Select(p => p.Key).Order();
        Assert.Equal(["choice", "enrolmentId", "leftOut", "name", "reasons"], fields);
        Assert.DoesNotContain("Northside", raw);
        Assert.DoesNotContain("Southside", raw);
        Assert.DoesNotContain("background", raw, StringComparison.OrdinalIgnoreCase);

        // Zoe (Science, year 5) fits no mentor: nothing to rank, and saving says so.
        var zoe = await program.SignInAsync("Zoe Mentee");
        Assert.Empty((await zoe.GetFromJsonAsync<MyCandidatesView>(MyCandidates(program), Json.Options))!.Candidates);
        var refused = await zoe.PutAsJsonAsync(MyCandidates(program), new { candidates = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        // The coordinator is not a participant; a participant is not a coordinator; a stranger sees nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await program.Coordinator.GetAsync(MyCandidates(program))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ella.PostAsJsonAsync($"{program.Api}/offers", new { candidates = 3 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ella.GetAsync($"{program.Api}/offers")).StatusCode);
        var stranger = await factory.SignedInClientAsync(await factory.CreateUserAsync("Sam Stranger"));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(MyCandidates(program))).StatusCode);
    }

    [Fact]
    public async Task BadRankingsAndOffersAreRefusedWithAReason()
    {
        var program = await PoolAsync(factory, goal: "BestTotal");
        var early = await program.Coordinator.PostAsJsonAsync($"{program.Api}/offers", new { candidates = 2 });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("only when the matching setup's goal is a stable match", await early.Content.ReadAsStringAsync());

        var setup = System.Text.Json.JsonSerializer.SerializeToNode(MatchingProgram.SmallPoolSetup())!.AsObject();
        setup["goal"] = "Stable";
        await program.SaveSetupAsync(setup);
        var run = await program.Coordinator.PostAsync($"{program.Api}/drafts", Json.Empty());
        Assert.Equal(HttpStatusCode.BadRequest, run.StatusCode);
        Assert.Contains("no candidates have been offered to rank yet", await run.Content.ReadAsStringAsync());
        var tooMany = await program.Coordinator.PostAsJsonAsync($"{program.Api}/offers", new { candidates = 11 });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);

        await OfferAsync(program);
        var ella = await program.SignInAsync("Ella Mentee");
        var maya = program.People["Maya Mentor"].EnrolmentId;
        var ned = program.People["Ned Mentor"].EnrolmentId;
        var same = await ella.PutAsJsonAsync(MyCandidates(program), new { candidates = new[] { new { enrolmentId = maya, choice = 1 }, new { enrolmentId = ned, choice = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
        Assert.Contains("Two candidates have the same choice (1st)", await same.Content.ReadAsStringAsync());
        var range = await ella.PutAsJsonAsync(MyCandidates(program), new { candidates = new[] { new { enrolmentId = maya, choice = 3 } } });
        Assert.Contains("Choose a number from 1 to 2.", await range.Content.ReadAsStringAsync());
        var stranger = await ella.PutAsJsonAsync(MyCandidates(program), new { candidates = new[] { new { enrolmentId = program.People["Priya Mentee"].EnrolmentId, choice = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
        Assert.Contains("not one of your candidates", await stranger.Content.ReadAsStringAsync());
        // Nothing was saved by the refused attempts.
        Assert.False((await ella.GetFromJsonAsync<MyCandidatesView>(MyCandidates(program), Json.Options))!.Ranked);

        // A peer program cannot choose the goal.
        var peers = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        var refused = await peers.Coordinator.PutAsJsonAsync($"{peers.Api}/setup", new
        {
            criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 1 } },
            goal = "Stable",
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Stable matching by the participants' rankings is for mentor–mentee matching", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheCoordinatorOffersAndTheMenteeRanksThroughThePages()
    {
        var program = await PoolAsync(factory);
        var coordinator = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);
        var matchingPath = $"/programs/{program.Program.Id}/matching";
        Assert.Contains("No candidates offered yet.", await coordinator.Http.GetStringAsync(matchingPath));
        var offered = await coordinator.SubmitAsync(matchingPath, "offer", [new("candidates", "2")]);
        Assert.Equal(HttpStatusCode.OK, offered.StatusCode);
        Assert.Contains("Offered 4 candidates to 2 mentees; they and 2 mentors were asked to rank them.", System.Net.WebUtility.HtmlDecode(await offered.Content.ReadAsStringAsync()));

        var priya = await PageClient.SignInAsync(factory, program.People["Priya Mentee"].User.Email);
        var rankPath = $"/programs/{program.Program.Id}/rank";
        var html = System.Net.WebUtility.HtmlDecode(await priya.Http.GetStringAsync(rankPath));
        Assert.Contains("Your coordinator offered you these mentors.", html);
        Assert.Contains("Maya Mentor", html);
        var maya = program.People["Maya Mentor"].EnrolmentId;
        var ned = program.People["Ned Mentor"].EnrolmentId;

        var clash = await priya.SubmitAsync(rankPath, "rank", [new($"choice-{maya}", "1"), new($"choice-{ned}", "1")]);
        Assert.Equal(HttpStatusCode.BadRequest, clash.StatusCode);
        var clashHtml = System.Net.WebUtility.HtmlDecode(await clash.Content.ReadAsStringAsync());
        Assert.Contains("Two candidates have the same choice (1st)", clashHtml);
        // What she typed is still there.
        Assert.Matches($"id=\"choice-{ned}\"[^>]*value=\"1\"", clashHtml);

        var saved = await priya.SubmitAsync(rankPath, "rank", [new($"choice-{maya}", "1"), new($"out-{ned}", "true")]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Your ranking is saved.", await saved.Content.ReadAsStringAsync());
        var mine = await (await program.SignInAsync("Priya Mentee")).GetFromJsonAsync<MyCandidatesView>(MyCandidates(program), Json.Options);
        Assert.Equal([("Maya Mentor", (int?)1, false), ("Ned Mentor", null, true)], mine!.Candidates.Select(c => (c.Name, c.Choice, c.LeftOut)));

        // Her notice links to the page.
        var notices = await (await program.SignInAsync("Priya Mentee")).GetStringAsync("/api/v1/me/notifications");
        Assert.Contains("Rank your mentor candidates", notices);
        Assert.Contains(rankPath, notices);
    }

    [Fact]
    public async Task AnOfferWhoseOtherSideWithdrewConsentIsNoLongerShownAndAReaderWithoutConsentGets409()
    {
        var program = await PoolAsync(factory);
        await OfferAsync(program);
        var ella = await program.SignInAsync("Ella Mentee");
        Assert.Equal(HttpStatusCode.OK, (await ella.PostAsJsonAsync("/api/v1/me/consents", new { programId = program.Program.Id, purpose = "Program", give = false })).StatusCode);

        var maya = await program.SignInAsync("Maya Mentor");
        var hers = (await maya.GetFromJsonAsync<MyCandidatesView>(MyCandidates(program), Json.Options))!;
        Assert.Equal(["Priya Mentee"], hers.Candidates.Select(c => c.Name));
        Assert.DoesNotContain("Ella", await (await PageClient.SignInAsync(factory, program.People["Maya Mentor"].User.Email)).Http.GetStringAsync($"/programs/{program.Program.Id}/rank"));
        var ranking = await maya.PutAsJsonAsync(MyCandidates(program), new { candidates = new[] { new { enrolmentId = program.People["Ella Mentee"].EnrolmentId, choice = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, ranking.StatusCode);

        var reading = await ella.GetAsync(MyCandidates(program));
        Assert.Equal(HttpStatusCode.Conflict, reading.StatusCode);
        Assert.Contains("once your consent", await reading.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await ella.PutAsJsonAsync(MyCandidates(program), new { candidates = Array.Empty<object>() })).StatusCode);
    }

    /// <summary>Runs <paramref name="meanwhile"/> once, just before the context's first save writes.</summary>
    private sealed class BeforeTheSave(Func<Task> meanwhile) : SaveChangesInterceptor
    {
        private bool _done;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (!_done)
            {
                _done = true;
                await meanwhile();
            }
            return result;
        }
    }

    [Fact]
    public async Task ARankingSavedWhileTheCoordinatorOffersCandidatesAgainGets409AndNotAServerError()
    {
        var program = await PoolAsync(factory);
        await OfferAsync(program);
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, factory.ConnectionString);
        // The coordinator offers again (the offers are deleted and inserted anew) between the ranking's read and its save.
        options.AddInterceptors(new BeforeTheSave(() => OfferAsync(program)));
        await using var db = new TandemDb(options.Options);
        var programs = new ProgramAccess(db);
        var rank = new RankMyCandidates(db, programs, new GetMyCandidates(db, programs));

        var saving = await rank.RunAsync(new Actor(program.People["Ella Mentee"].User.Id, false), program.Program.Id,
            new RankCandidatesRequest { Candidates = [new CandidateRank { EnrolmentId = program.People["Maya Mentor"].EnrolmentId, Choice = 1 }] });

        Assert.Equal("Your candidates were just changed; check them and save again.", Assert.IsType<Conflict>(saving.Failure).Detail);
        // Nothing half-saved: the new offers are unranked, and saving again works.
        var ella = await program.SignInAsync("Ella Mentee");
        Assert.False((await ella.GetFromJsonAsync<MyCandidatesView>(MyCandidates(program), Json.Options))!.Ranked);
        Assert.Equal(HttpStatusCode.OK, (await RankAsync(program, "Ella Mentee", "Maya Mentor")).StatusCode);
    }

    [Fact]
    public void AMentorsExplanationIsCutToWhatAStoredExplanationHolds()
    {
        var reasons = Enumerable.Range(0, 300).Select(i => $"You both chose a very long answer number {i} to a very long question").ToList();

        var explanation = new RankedMentor(Guid.NewGuid(), Guid.NewGuid(), "Mia Mentor", 1, 1, 50, reasons).Explanation;

        // The explanation's column on the relationship and the mentor request.
        Assert.Equal(4000, explanation.Length);
        Assert.StartsWith("You both chose a very long answer number 0", explanation);
    }
}
