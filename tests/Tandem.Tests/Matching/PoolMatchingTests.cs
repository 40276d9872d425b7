using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

public sealed class PoolMatchingTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task TheDefaultSetupUsesEveryQuestionFlaggedAsACriterionWithItsKind()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        var setup = (await program.Coordinator.GetFromJsonAsync<MatchingSetupView>($"{program.Api}/setup", Json.Options))!;

        Assert.True(setup.IsDefault);
        // Named by their questions' text (the mentee's form first), never by the questions' keys.
        Assert.Equal(["Which subject do you want help with", "What do you enjoy", "Which year are you in", "When are you free", "Which part of town do you live in"],
            setup.Criteria.Select(c => c.Name));
        Assert.Equal(["subject", "interests", "year", "free", "background"], setup.Criteria.Select(c => c.MenteeQuestionId));
        Assert.Equal(Tandem.Features.Applications.CriterionKind.NumericGap, setup.Criteria.Single(c => c.MenteeQuestionId == "year").Kind);
        Assert.All(setup.Criteria, c => Assert.Equal(1, c.Weight));
        Assert.Contains(setup.Questions, q => q.Id == "background" && q.Private);
    }

    [Fact]
    public async Task ThePreviewCountsThePairsEachHardRuleForbids()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();

        var response = await program.Coordinator.PostAsJsonAsync($"{program.Api}/setup/preview", new
        {
            criteria = new object[]
            {
                new { name = "year", kind = "NumericGap", questionId = "year", required = true, minimum = 1 },
                new { name = "free time", kind = "AvailabilityOverlap", questionId = "free", minimum = 2 },
                new { name = "subject", kind = "SameValue", questionId = "subject", weight = 5 },
            },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preview = (await response.Content.ReadFromJsonAsync<MatchingSetupView>(Json.Options))!.Preview;

        Assert.Equal(3, preview.Mentees);
        Assert.Equal(2, preview.Mentors);
        Assert.Equal(6, preview.Pairs);
        // Gus (year 5) has no mentor a year ahead: 2 pairs. Only Maya and Ella share 2 free hours: 5 of 6 pairs fail.
        Assert.Equal(2, preview.HardRules.Single(r => r.Criterion == "year").ForbiddenPairs);
        Assert.Equal(5, preview.HardRules.Single(r => r.Criterion == "free time").ForbiddenPairs);
        Assert.Equal(5, preview.ForbiddenByAllRules);
        Assert.Equal(2, preview.HardRules.Count);
    }

    [Fact]
    public async Task ASetupNamingAnUnknownQuestionIsRefusedWithTheField()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        var response = await program.Coordinator.PutAsJsonAsync($"{program.Api}/setup", new
        {
            criteria = new object[] { new { name = "shoe size", kind = "NumericGap", questionId = "shoes" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("criteria[0].questionId", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheDraftFiguresOfASmallPoolAreTheHandCheckedOnes()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());

        var draft = await program.RunAsync();

        // Maya–Ella: same subject 10 + Music 3 + 2 common hours 2 + same background 0 = 15.
        // Ned–Finn: same subject 10 + Games 3 + no common hour 0 + different background 2 = 15.
        Assert.Equal(["Maya Mentor–Ella Mentee", "Ned Mentor–Finn Mentee"], draft.Pairs());
        Assert.Equal(15, draft.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee").Score);
        Assert.Equal(15, draft.Proposals.Items.Single(p => p.Second.Name == "Finn Mentee").Score);
        Assert.Equal(new DraftFigures(Matched: 2, Unmatched: 1, AverageScore: 15, PairsSharingFreeTime: 1, Proposals: 2), draft.Figures);
        var gus = Assert.Single(draft.UnmatchedPeople);
        Assert.Equal("Gus Mentee", gus.Name);
        Assert.Contains("year rules out 2", gus.Reason);
        var ella = draft.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee");
        Assert.Contains("same subject: Maths", ella.Summary);
        Assert.Contains("both: Music", ella.Summary);
        Assert.Contains("2 common free hours", ella.Summary);
        Assert.Contains(ella.Explanation, c => c.Criterion == "background" && c.Private);
        Assert.Equal(1, draft.Number);
        Assert.Equal(MatchDraftStatus.Draft, draft.Status);
    }

    [Fact]
    public async Task LockedPairsSurviveARerunAndTheComparisonShowsWhatChanged()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        await program.RunAsync();

        Assert.Equal(HttpStatusCode.OK, (await program.RuleAsync("Lock", "Maya Mentor", "Finn Mentee")).StatusCode);
        var second = await program.RunAsync();
        Assert.Equal(["Maya Mentor–Finn Mentee", "Ned Mentor–Ella Mentee"], second.Pairs());
        Assert.True(second.Proposals.Items.Single(p => p.Second.Name == "Finn Mentee").Locked);
        Assert.NotNull(second.Comparison);
        Assert.Equal(1, second.Comparison!.PreviousNumber);
        Assert.Equal(2, second.Comparison.Changed);
        Assert.Contains(second.Comparison.Changes, c => c.Person.Name == "Finn Mentee" && c.Before.SequenceEqual(["Ned Mentor"]) && c.After.SequenceEqual(["Maya Mentor"]));

        // Weights change, the lock stays.
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup(subjectWeight: 50));
        var third = await program.RunAsync();
        Assert.Contains("Maya Mentor–Finn Mentee", third.Pairs());
        Assert.Equal(2, third.Comparison!.Kept);
        Assert.Equal(0, third.Comparison.Changed);

        var superseded = await program.Coordinator.GetFromJsonAsync<MatchDraftView>($"{program.Api}/drafts/{second.Id}", Json.Options);
        Assert.Equal(MatchDraftStatus.Superseded, superseded!.Status);
    }

    [Fact]
    public async Task ForbiddenPairsAreNeverProposed()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());

        Assert.Equal(HttpStatusCode.OK, (await program.RuleAsync("Forbid", "Maya Mentor", "Ella Mentee")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await program.RuleAsync("Forbid", "Ned Mentor", "Finn Mentee")).StatusCode);
        var draft = await program.RunAsync();

        Assert.DoesNotContain("Maya Mentor–Ella Mentee", draft.Pairs());
        Assert.DoesNotContain("Ned Mentor–Finn Mentee", draft.Pairs());
        Assert.Equal(["Maya Mentor–Finn Mentee", "Ned Mentor–Ella Mentee"], draft.Pairs());

        // Forbidding Ella's last mentor leaves her unmatched, and says why.
        Assert.Equal(HttpStatusCode.OK, (await program.RuleAsync("Forbid", "Ned Mentor", "Ella Mentee")).StatusCode);
        var again = await program.RunAsync();
        Assert.DoesNotContain(again.Proposals.Items, p => p.Second.Name == "Ella Mentee");
        Assert.Contains("the coordinator forbade 2", again.UnmatchedPeople.Single(u => u.Name == "Ella Mentee").Reason);
        Assert.Equal(3, again.Rules.Count);
    }

    [Fact]
    public async Task TheCandidatesOfAPersonAreRankedWithExplanationsAndAssigningByHandKeepsThePair()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        await program.RunAsync();

        var candidates = (await program.Coordinator.GetFromJsonAsync<CandidatesView>($"{program.Api}/candidates/{program.People["Ella Mentee"].EnrolmentId}", Json.Options))!;
        Assert.Equal(["Maya Mentor", "Ned Mentor"], candidates.Candidates.Select(c => c.Person.Name));
        Assert.Contains("same subject: Maths", candidates.Candidates[0].Summary);

        var assigned = await program.Coordinator.PostAsJsonAsync($"{program.Api}/assignments", new
        {
            firstEnrolmentId = program.People["Ned Mentor"].EnrolmentId,
            secondEnrolmentId = program.People["Ella Mentee"].EnrolmentId,
        });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var draft = (await assigned.Content.ReadFromJsonAsync<MatchDraftView>(Json.Options))!;
        Assert.Contains("Ned Mentor–Ella Mentee", draft.Pairs());
        Assert.True(draft.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee").Locked);
    }

    [Fact]
    public async Task SwappingTwoProposalsLocksBothNewPairsAndReruns()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        var ella = draft.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee");
        var finn = draft.Proposals.Items.Single(p => p.Second.Name == "Finn Mentee");

        var swapped = await program.Coordinator.PostAsJsonAsync($"{program.Api}/swaps", new { firstProposalId = ella.Id, secondProposalId = finn.Id });
        Assert.Equal(HttpStatusCode.OK, swapped.StatusCode);
        var after = (await swapped.Content.ReadFromJsonAsync<MatchDraftView>(Json.Options))!;
        Assert.Equal(["Maya Mentor–Finn Mentee", "Ned Mentor–Ella Mentee"], after.Pairs());
        Assert.All(after.Proposals.Items, p => Assert.True(p.Locked));
        Assert.Equal(2, after.Comparison!.Changed);

        var stale = await program.Coordinator.PostAsJsonAsync($"{program.Api}/swaps", new { firstProposalId = ella.Id, secondProposalId = finn.Id });
        Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public async Task AMentorWithCapacityTwoTakesTwoMenteesAsSeparatePairsOrInGroupMentoringAsOneGroup(bool groupMentoring, int relationships)
    {
        var program = await MatchingProgram.CreateAsync(factory, formats: groupMentoring ? ["Group", "Online"] : null);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music"], 5, [10], capacity: 2);
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        await program.ApproveAsync("Finn Mentee", "mentee", "Maths", ["Games"], 3, [10]);

        var draft = await program.RunAsync();

        Assert.Equal(["Maya Mentor–Ella Mentee", "Maya Mentor–Finn Mentee"], draft.Pairs());
        Assert.Equal(relationships, draft.Proposals.Items.Select(p => p.GroupNumber).Distinct().Count());
        Assert.Empty(draft.UnmatchedPeople);
    }

    [Fact]
    public async Task APeerProgramFormsPeerPairsAndStudyGroups()
    {
        var program = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        await program.ApproveAsync("Ada Peer", "peer", "Maths", ["Music"], 3, [10, 11]);
        await program.ApproveAsync("Ben Peer", "peer", "Maths", ["Music"], 3, [10, 11]);
        await program.ApproveAsync("Cat Peer", "peer", "English", ["Games"], 3, [40]);
        await program.ApproveAsync("Dan Peer", "peer", "English", ["Games"], 3, [40]);
        await program.ApproveAsync("Eve Peer", "peer", "Science", [], 3, []);

        await program.SaveSetupAsync(new { criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 10 }, new { name = "interests", kind = "SharedValues", questionId = "interests", weight = 3 } } });
        var pairs = await program.RunAsync();
        Assert.Equal(2, pairs.Proposals.Items.Count);
        Assert.Contains(pairs.Proposals.Items, p => new[] { p.First.Name, p.Second.Name }.Order().SequenceEqual(["Ada Peer", "Ben Peer"]));
        Assert.Contains(pairs.Proposals.Items, p => new[] { p.First.Name, p.Second.Name }.Order().SequenceEqual(["Cat Peer", "Dan Peer"]));
        Assert.Equal("Eve Peer", Assert.Single(pairs.UnmatchedPeople).Name);
        Assert.Equal(4, pairs.Figures.Matched);

        await program.SaveSetupAsync(new { groupSize = 3, criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 10 } } });
        var groups = await program.RunAsync();
        Assert.Equal(2, groups.Proposals.Items.Select(p => p.GroupNumber).Distinct().Count());
        Assert.Equal(5, groups.Figures.Matched);
        Assert.Empty(groups.UnmatchedPeople);
    }

    [Fact]
    public async Task OnlyCoordinatorsMatchAParticipantGets403AndAnotherOrganisationGets404()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        var mentee = await program.SignInAsync("Ella Mentee");
        var other = await School.CreateAsync(factory);
        var otherCoordinator = await factory.SignedInClientAsync(other.Coordinator);

        foreach (var client in new[] { mentee, otherCoordinator })
        {
            var expected = client == mentee ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;
            Assert.Equal(expected, (await client.GetAsync($"{program.Api}/setup")).StatusCode);
            Assert.Equal(expected, (await client.PutAsJsonAsync($"{program.Api}/setup", MatchingProgram.SmallPoolSetup())).StatusCode);
            Assert.Equal(expected, (await client.PostAsync($"{program.Api}/drafts", Json.Empty())).StatusCode);
            Assert.Equal(expected, (await client.GetAsync($"{program.Api}/drafts/latest")).StatusCode);
            Assert.Equal(expected, (await client.PostAsJsonAsync($"{program.Api}/rules", new { kind = "Forbid", firstEnrolmentId = program.People["Maya Mentor"].EnrolmentId, secondEnrolmentId = program.People["Ella Mentee"].EnrolmentId })).StatusCode);
            Assert.Equal(expected, (await client.GetAsync($"{program.Api}/candidates/{program.People["Ella Mentee"].EnrolmentId}")).StatusCode);
            Assert.Equal(expected, (await client.GetAsync($"/programs/{program.Program.Id}/matching")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.AnonymousClient().GetAsync($"{program.Api}/setup")).StatusCode);
    }

    [Fact]
    public async Task BadInputGetsProblemDetailsNotErrors()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.GetAsync($"{program.Api}/drafts/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.GetAsync($"{program.Api}/drafts/latest?pageSize=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await program.RuleAsync("Lock", "Ella Mentee", "Maya Mentor")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.GetAsync($"{program.Api}/candidates/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await program.RuleAsync("Lock", "Maya Mentor", "Ella Mentee")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await program.RuleAsync("Lock", "Ned Mentor", "Ella Mentee")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await program.Coordinator.DeleteAsync($"{program.Api}/rules/{Guid.NewGuid()}")).StatusCode);
        var draft = await program.RunAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { })).StatusCode);
    }

    [Fact]
    public async Task TheMatchCommandRunsPoolMatchingAndPrintsTheFigures()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await TandemCli.RunAsync(
            ["match", "--program", program.Program.Id.ToString(),
             $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={factory.ConnectionString}", "--Logging:LogLevel:Default=Warning"],
            stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        var text = stdout.ToString();
        Assert.Contains("matched:                  2", text);
        Assert.Contains("unmatched:                1", text);
        Assert.Contains("average score:            15", text);
        Assert.Contains("pairs sharing free time:  1 of 2", text);
        Assert.Contains("not matched: Gus Mentee (mentee)", text);

        var unknown = await TandemCli.RunAsync(
            ["match", "--program", Guid.NewGuid().ToString(), $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={factory.ConnectionString}", "--Logging:LogLevel:Default=Warning"],
            new StringWriter(), new StringWriter());
        Assert.Equal(1, unknown);
    }

    [Fact]
    public async Task ADisabledParticipantIsLeftOutOfThePool()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var maya = program.People["Maya Mentor"].User.Id;
        await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == maya).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));

        var draft = await program.RunAsync();

        Assert.DoesNotContain(draft.Pairs(), p => p.Contains("Maya Mentor"));
        Assert.DoesNotContain(draft.UnmatchedPeople, p => p.Name == "Maya Mentor");
        Assert.Contains("Ned Mentor–Finn Mentee", draft.Pairs());
    }

    [Fact]
    public async Task SomeoneMissingManyLongTrainingModulesIsLeftOutWithAReasonThatFitsItsColumn()
    {
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var programId = program.Program.Id;
        for (var i = 1; i <= 6; i++)
        {
            await Tandem.Tests.Training.TrainingTests.CreateAsync(program.Coordinator, programId,
                Tandem.Tests.Training.TrainingTests.Module($"Module {i}: {new string('x', 180)}", audience: "Mentors", scenario: false));
        }
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{programId}/training/settings",
            new { requiredBeforeMatching = true, requiredBeforeStart = false })).StatusCode);

        var draft = await program.RunAsync();

        var maya = Assert.Single(draft.UnmatchedPeople, p => p.Name == "Maya Mentor");
        Assert.Contains("6 modules", maya.Reason);
        Assert.True(maya.Reason.Length <= 1000, $"{maya.Reason.Length} characters");
    }
}
