using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

/// <summary>
/// Matching as background work (issue 14, item 1), with app hosts standing in for nodes: a host whose worker is off queues
/// runs and answers at once (202); the test then works them with a worker's <see cref="MatchingRunWorker.WorkOneAsync"/>,
/// as any node would.
/// </summary>
public sealed class MatchingRunTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    /// <summary>A node that queues runs but does not work them, and answers without waiting.</summary>
    private WebApplicationFactory<Program> QueueOnlyNode(FakeTimeProvider clock) => factory.WithClock(clock, b =>
    {
        b.UseSetting("Matching:WorkerEnabled", "false");
        b.UseSetting("Matching:WaitForDraft", "00:00:00");
    });

    private static MatchingRunWorker Worker(WebApplicationFactory<Program> node) =>
        node.Services.GetServices<IHostedService>().OfType<MatchingRunWorker>().Single();

    private static async Task<MatchingProgram> SmallPoolAsync(TandemFactory factory, WebApplicationFactory<Program> node)
    {
        var program = await MatchingProgram.CreateAsync(factory, user => node.SignedInClientAsync(user));
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        return program;
    }

    private static async Task<MatchingRunView> QueueAsync(MatchingProgram program)
    {
        var response = await program.Coordinator.PostAsync($"{program.Api}/drafts", Json.Empty());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync<MatchingRunView>(Json.Options))!;
        Assert.Equal($"/api/v1/programs/{program.Program.Id}/matching/runs/{run.Id}", response.Headers.Location?.OriginalString);
        return run;
    }

    private static async Task<int> DraftCountAsync(WebApplicationFactory<Program> node, Guid programId)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TandemDb>().Set<MatchDraft>().CountAsync(d => d.ProgramId == programId);
    }

    [Fact]
    public async Task TwoCoordinatorsPressingRunAtOnceGetOneRunAndOneDraft()
    {
        var node = QueueOnlyNode(new FakeTimeProvider(TestClock.Start));
        var program = await SmallPoolAsync(factory, node);
        var colleague = await factory.CreateUserAsync("Cleo Coordinator");
        await factory.AddMemberAsync(program.School.Organisation.Id, colleague, Tandem.Features.Organisations.OrganisationRole.Coordinator);
        var second = await node.SignedInClientAsync(colleague);

        var presses = await Task.WhenAll(
            program.Coordinator.PostAsync($"{program.Api}/drafts", Json.Empty()),
            second.PostAsync($"{program.Api}/drafts", Json.Empty()));

        Assert.All(presses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var runs = await Task.WhenAll(presses.Select(r => r.Content.ReadFromJsonAsync<MatchingRunView>(Json.Options)));
        Assert.Equal(runs[0]!.Id, runs[1]!.Id);
        Assert.Equal(MatchingRunStatus.Queued, runs[0]!.Status);
        Assert.Equal("Waiting for a server to start it.", runs[0]!.Description);

        // Two nodes look for work at the same moment: one claims the run, the other finds nothing.
        var other = factory.WithClock(new FakeTimeProvider(TestClock.Start), b => b.UseSetting("Matching:WorkerEnabled", "false"));
        var worked = await Task.WhenAll(Worker(node).WorkOneAsync(default), Worker(other).WorkOneAsync(default));
        Assert.Equal(1, worked.Count(w => w));
        Assert.False(await Worker(node).WorkOneAsync(default));

        var run = (await second.GetFromJsonAsync<MatchingRunView>($"{program.Api}/runs/{runs[0]!.Id}", Json.Options))!;
        Assert.Equal(MatchingRunStatus.Done, run.Status);
        Assert.Equal(1, run.Attempts);
        Assert.Equal(5, run.Step);
        Assert.Equal(["Certifying", "Checking", "Loading", "Saving", "Scoring", "Solving"], run.PhaseMilliseconds.Keys.Order());
        Assert.Equal(1, await DraftCountAsync(node, program.Program.Id));
        var draft = (await second.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options))!;
        Assert.Equal(run.DraftId, draft.Id);
        Assert.Equal(["Maya Mentor–Ella Mentee", "Ned Mentor–Finn Mentee"], draft.Pairs());
    }

    [Fact]
    public async Task ARunWhoseNodeDiedIsTakenAgainByAnotherNodeAndTheDeadNodesClaimWritesNothing()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        var node = QueueOnlyNode(clock);
        var program = await SmallPoolAsync(factory, node);
        var queued = await QueueAsync(program);

        // Node A claims the run and stops before working it (killed).
        MatchingClaim deadClaim;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            deadClaim = (await scope.ServiceProvider.GetRequiredService<MatchingRunQueue>().ClaimNextAsync(default))!;
        }
        Assert.Equal(queued.Id, deadClaim.RunId);
        var running = (await program.Coordinator.GetFromJsonAsync<MatchingRunView>($"{program.Api}/runs/latest", Json.Options))!;
        Assert.Equal(MatchingRunStatus.Running, running.Status);

        // While its claim lasts, nobody else takes the run.
        Assert.False(await Worker(node).WorkOneAsync(default));
        Assert.Equal(0, await DraftCountAsync(node, program.Program.Id));

        // The claim runs out; node B takes the run again and finishes it.
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.True(await Worker(node).WorkOneAsync(default));
        var done = (await program.Coordinator.GetFromJsonAsync<MatchingRunView>($"{program.Api}/runs/{queued.Id}", Json.Options))!;
        Assert.Equal(MatchingRunStatus.Done, done.Status);
        Assert.Equal(2, done.Attempts);

        // Node A comes back and works its old claim: it has lost it, so nothing is written.
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<MatchingRunProcessor>().ProcessAsync(deadClaim, default);
            Assert.Equal(ProcessResult.Lost, result);
        }
        Assert.Equal(1, await DraftCountAsync(node, program.Program.Id));
        var draft = (await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options))!;
        Assert.Equal(done.DraftId, draft.Id);
        Assert.Equal(2, draft.Figures.Proposals);
    }

    [Fact]
    public async Task ARunThatKeepsLosingItsNodeFailsAfterThreeAttemptsWithASentence()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        var node = QueueOnlyNode(clock);
        var program = await SmallPoolAsync(factory, node);
        var queued = await QueueAsync(program);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var scope = node.Services.CreateAsyncScope();
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<MatchingRunQueue>().ClaimNextAsync(default));
            clock.Advance(TimeSpan.FromMinutes(3));
        }

        Assert.False(await Worker(node).WorkOneAsync(default));

        var failed = (await program.Coordinator.GetFromJsonAsync<MatchingRunView>($"{program.Api}/runs/{queued.Id}", Json.Options))!;
        Assert.Equal(MatchingRunStatus.Failed, failed.Status);
        Assert.Contains("stopped 3 times before it finished", failed.Failure);
        Assert.Equal(0, await DraftCountAsync(node, program.Program.Id));
        // The page says so, and offers the button again.
        var page = await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/matching");
        Assert.Contains("The last run did not finish", page);
        Assert.Contains("Run matching", page);

        // A new press starts a new run, and it runs.
        var again = await QueueAsync(program);
        Assert.NotEqual(queued.Id, again.Id);
        Assert.True(await Worker(node).WorkOneAsync(default));
        Assert.Equal(1, await DraftCountAsync(node, program.Program.Id));
    }

    [Fact]
    public async Task ThePageShowsARunsProgressUntilItIsDoneAndTheCoordinatorGetsANotice()
    {
        var node = QueueOnlyNode(new FakeTimeProvider(TestClock.Start));
        var program = await SmallPoolAsync(factory, node);
        var queued = await QueueAsync(program);

        // Leaving and coming back: the page reads the run from the database.
        var page = await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/matching");
        Assert.Contains("Matching is running", page);
        Assert.Contains($"data-matching-run=\"/api/v1/programs/{program.Program.Id}/matching/runs/{queued.Id}\"", page);
        Assert.Contains("Waiting for a server to start it.", page);
        Assert.Contains("Check again", page);
        Assert.DoesNotContain("Re-run matching", page);

        Assert.True(await Worker(node).WorkOneAsync(default));

        page = await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/matching");
        Assert.DoesNotContain("Matching is running", page);
        Assert.Contains("Draft 1", page);
        Assert.Contains("Proven optimal", page);
        var notices = (await program.Coordinator.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!;
        var notice = notices.Items.Single(n => n.Title == "Matching draft 1 is ready");
        Assert.Equal($"/programs/{program.Program.Id}/matching", notice.Link);
        Assert.Contains("2 matched, 1 not matched, proven optimal", notice.Body);
    }

    [Fact]
    public async Task AProvenDraftCarriesACertificateThatChecksOutOnEveryProposedPair()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();

        Assert.True(draft.Proof.ProvenOptimal);
        Assert.Equal(30, draft.Proof.TotalScore);
        Assert.StartsWith("Proven optimal: no other way of pairing this pool", draft.Proof.Statement);

        var certificate = (await program.Coordinator.GetFromJsonAsync<MatchCertificateView>($"{program.Api}/drafts/{draft.Id}/certificate", Json.Options))!;
        Assert.True(certificate.ProvenOptimal);
        Assert.Equal(certificate.PrimalWeight, certificate.DualObjective);
        Assert.Equal(3, certificate.MenteeValues.Count);
        Assert.Equal(2, certificate.MentorValues.Count);
        // On every proposed pair the two values add up to the pair's weight: its score plus the bonus per matched mentee.
        foreach (var p in draft.Proposals.Items)
        {
            Assert.Equal(p.Score + certificate.CardinalityBonus, certificate.MenteeValues[p.Second.EnrolmentId] + certificate.MentorValues[p.First.EnrolmentId]);
        }
        // Gus is not matched: his value is 0.
        Assert.Equal(0, certificate.MenteeValues[program.People["Gus Mentee"].EnrolmentId]);

        // The people left over page like every list.
        var left = (await program.Coordinator.GetFromJsonAsync<Paged<UnmatchedPerson>>($"{program.Api}/drafts/{draft.Id}/unmatched?page=1&pageSize=1", Json.Options))!;
        Assert.Equal(1, left.TotalCount);
        Assert.Equal("Gus Mentee", Assert.Single(left.Items).Name);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.GetAsync($"{program.Api}/drafts/{draft.Id}/unmatched?pageSize=201")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.GetAsync($"{program.Api}/drafts/{Guid.NewGuid()}/certificate")).StatusCode);
    }

    [Fact]
    public async Task APeerDraftSaysItIsNotProvenAndHasNoCertificate()
    {
        var program = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        await program.ApproveAsync("Ann Peer", "peer", "Maths", ["Music"], 3, [10]);
        await program.ApproveAsync("Bea Peer", "peer", "Maths", ["Music"], 3, [10]);
        var draft = await program.RunAsync();

        Assert.False(draft.Proof.ProvenOptimal);
        Assert.StartsWith("Not proven optimal", draft.Proof.Statement);
        var response = await program.Coordinator.GetAsync($"{program.Api}/drafts/{draft.Id}/certificate");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("This draft has no certificate", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnAssignmentWhileARunIsWorkingIsKeptForTheNextRunAndSaysSo()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        var node = QueueOnlyNode(clock);
        var program = await SmallPoolAsync(factory, node);
        await QueueAsync(program);
        await using (var scope = node.Services.CreateAsyncScope())
        {
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<MatchingRunQueue>().ClaimNextAsync(default));
        }

        var response = await program.Coordinator.PostAsJsonAsync($"{program.Api}/assignments", new
        {
            firstEnrolmentId = program.People["Ned Mentor"].EnrolmentId,
            secondEnrolmentId = program.People["Ella Mentee"].EnrolmentId,
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("your change is saved", await response.Content.ReadAsStringAsync());
        var draftOrNone = await program.Coordinator.GetAsync($"{program.Api}/drafts/latest");
        Assert.Equal(HttpStatusCode.NotFound, draftOrNone.StatusCode);

        // The run's node stops; the run is taken again, and the next run applies the lock.
        clock.Advance(TimeSpan.FromMinutes(3));
        Assert.True(await Worker(node).WorkOneAsync(default));
        var next = await QueueAsync(program);
        Assert.True(await Worker(node).WorkOneAsync(default));
        var draft = (await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/latest", Json.Options))!;
        Assert.Equal(2, draft.Number);
        Assert.Contains("Ned Mentor–Ella Mentee", draft.Pairs());
        Assert.True(draft.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee").Locked);
        Assert.Equal(next.Id, (await program.Coordinator.GetFromJsonAsync<MatchingRunView>($"{program.Api}/runs/latest", Json.Options))!.Id);
    }
}

/// <summary>The goal "raise the worst-off first" (issue 14, item 6) in the app: setup, run, proof on the draft.</summary>
public sealed class RaiseWorstOffTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    /// <summary>
    /// Mentors Maya (Maths, Music/Sport, year 5, free 10–12) and Ned (English, Games, year 4, free 50); mentees Priya
    /// (Maths, Music/Sport, year 2, free 10–12, Southside) and Quinn (Maths, nothing else, year 2, Northside). With the small
    /// pool's setup: Priya–Maya 21, Priya–Ned 2, Quinn–Maya 10, Quinn–Ned 0. The best total (21 + 0) leaves Quinn with a
    /// mentor who fits nothing; raising the worst-off first gives Quinn Maya (10) and Priya Ned (2): lowest 2, total 12.
    /// </summary>
    private static async Task<MatchingProgram> PoolAsync(TandemFactory factory, string goal)
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music", "Sport"], 5, [10, 11, 12], background: "Northside");
        await program.ApproveAsync("Ned Mentor", "mentor", "English", ["Games"], 4, [50], background: "Northside");
        await program.ApproveAsync("Priya Mentee", "mentee", "Maths", ["Music", "Sport"], 2, [10, 11, 12], background: "Southside");
        await program.ApproveAsync("Quinn Mentee", "mentee", "Maths", [], 2, [], background: "Northside");
        var setup = System.Text.Json.JsonSerializer.SerializeToNode(MatchingProgram.SmallPoolSetup())!.AsObject();
        setup["goal"] = goal;
        var saved = await program.SaveSetupAsync(setup);
        Assert.Equal(Enum.Parse<MatchingGoal>(goal), saved.Goal);
        return program;
    }

    [Fact]
    public async Task TheBestTotalLeavesSomeoneWithAMentorWhoFitsNothing()
    {
        var program = await PoolAsync(factory, "BestTotal");
        var draft = await program.RunAsync();

        Assert.Equal(["Maya Mentor–Priya Mentee", "Ned Mentor–Quinn Mentee"], draft.Pairs());
        Assert.Equal(21, draft.Proof.TotalScore);
        Assert.Null(draft.Proof.LowestScore);
        Assert.Null(draft.Proof.FairnessStatement);
    }

    [Fact]
    public async Task RaisingTheWorstOffFirstGivesEveryMenteeAMentorWhoFitsAndProvesTheLowestScore()
    {
        var program = await PoolAsync(factory, "RaiseWorstOff");
        var draft = await program.RunAsync();

        Assert.Equal(["Maya Mentor–Quinn Mentee", "Ned Mentor–Priya Mentee"], draft.Pairs());
        Assert.Equal(MatchingGoal.RaiseWorstOff, draft.Proof.Goal);
        Assert.Equal(2, draft.Proof.LowestScore);
        Assert.Equal(12, draft.Proof.TotalScore);
        Assert.True(draft.Proof.ProvenOptimal);
        Assert.Contains("has a lowest pair score above 2", draft.Proof.FairnessStatement);

        var page = System.Net.WebUtility.HtmlDecode(await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/matching"));
        Assert.Contains("Worst-off raised first.", page);
        Assert.Contains("has a lowest pair score above 2", page);
        var setupPage = await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/matching/setup");
        Assert.Matches("id=\"goal-raise-worst-off\"[^>]*checked", setupPage);
    }

    [Fact]
    public async Task APeerProgramCannotAskToRaiseTheWorstOffFirst()
    {
        var program = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        var response = await program.Coordinator.PutAsJsonAsync($"{program.Api}/setup", new
        {
            criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 1 } },
            goal = "RaiseWorstOff",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Raising the worst-off first is for mentor–mentee matching", await response.Content.ReadAsStringAsync());
    }
}

/// <summary>Study groups with a required mix (issue 14, item 6) in the app: setup, run, the groups and the bound on the draft.</summary>
public sealed class GroupMixTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private static readonly Dictionary<string, string> Subjects = new()
    {
        ["Ann Peer"] = "Maths", ["Bea Peer"] = "Maths", ["Cal Peer"] = "Maths",
        ["Dan Peer"] = "English", ["Eve Peer"] = "English", ["Fay Peer"] = "English",
    };

    private static async Task<MatchingProgram> PoolAsync(TandemFactory factory, object? mix)
    {
        var program = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        foreach (var (name, subject) in Subjects)
        {
            await program.ApproveAsync(name, "peer", subject, ["Music"], 3, [10]);
        }
        // The same subject scores 10: without a mix, groups of three fall out as all Maths and all English.
        var saved = await program.SaveSetupAsync(new
        {
            groupSize = 3,
            criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 10 } },
            mix,
        });
        Assert.Equal((mix as dynamic)?.questionId, saved.Mix?.QuestionId);
        return program;
    }

    private static List<HashSet<string>> GroupSubjects(MatchDraftView draft) =>
        draft.Proposals.Items.GroupBy(p => p.GroupNumber)
            .Select(g => g.SelectMany(p => new[] { p.First.Name, p.Second.Name }).Select(n => Subjects[n]).ToHashSet())
            .ToList();

    [Fact]
    public async Task WithoutAMixGroupsOfThreeKeepEachSubjectTogether()
    {
        var program = await PoolAsync(factory, null);
        var draft = await program.RunAsync();

        Assert.All(GroupSubjects(draft), s => Assert.Single(s));
        Assert.DoesNotContain("Mix:", draft.Proof.GroupStatement ?? "");
    }

    [Fact]
    public async Task WithAMixOfTwoSubjectsEveryGroupHasBothAndTheDraftSaysHowFarFromTheBoundItIs()
    {
        var program = await PoolAsync(factory, new { questionId = "subject", atLeast = 2 });
        var draft = await program.RunAsync();

        var groups = GroupSubjects(draft);
        Assert.Equal(2, groups.Count);
        Assert.All(groups, s => Assert.Equal(2, s.Count));
        Assert.Contains("Mix: 2 of 2 groups have at least 2 different answers to \"Which subject do you want help with\".", draft.Proof.GroupStatement);
        Assert.Matches(@"^(Proven optimal|Within [\d.]+% of the best possible total)", draft.Proof.GroupStatement);
        var page = System.Net.WebUtility.HtmlDecode(await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/matching"));
        Assert.Contains("Mix: 2 of 2 groups have", page);
    }

    [Fact]
    public async Task AMixIsRefusedForPairsAndForAQuestionThatIsNotAChoice()
    {
        var program = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        var pairs = await program.Coordinator.PutAsJsonAsync($"{program.Api}/setup", new
        {
            groupSize = 2,
            criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 1 } },
            mix = new { questionId = "subject", atLeast = 2 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, pairs.StatusCode);
        Assert.Contains("A mix is for study groups", await pairs.Content.ReadAsStringAsync());
        var text = await program.Coordinator.PutAsJsonAsync($"{program.Api}/setup", new
        {
            groupSize = 3,
            criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 1 } },
            mix = new { questionId = "intro", atLeast = 2 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, text.StatusCode);
        Assert.Contains("mix.questionId", await text.Content.ReadAsStringAsync());
    }
}
