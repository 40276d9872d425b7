using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Matching;

namespace Tandem.Tests.Relationships;

/// <summary>
/// One-to-one stays one-to-one (ADR 13): every way of starting a relationship forms a group only where the program
/// forms groups, and the approval screens say which one a mentor's capacity means. Publishing is covered in
/// Matching/PublishingTests, splitting old merged groups in SplitMergedRelationshipsTests.
/// </summary>
public sealed class OneToOneTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AOneToOneProgramRefusesToStartAGroupWhileAGroupMentoringProgramStartsIt()
    {
        var oneToOne = await PairingProgram.CreateAsync(factory);
        var mentor = await oneToOne.ApproveAsync("Mia Mentor", "mentor", capacity: 2);
        var ann = await oneToOne.ApproveAsync("Ann Mentee", "mentee");
        var ben = await oneToOne.ApproveAsync("Ben Mentee", "mentee");

        var refused = await oneToOne.TryStartAsync(null, mentor, ann, ben);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("one-to-one", problem);
        Assert.Contains("MemberEnrolmentIds", problem);
        // Nothing was started, and each mentee can still get their own pair with the mentor.
        Assert.Equal(0, (await oneToOne.Coordinator.GetFromJsonAsync<Paged<RelationshipView>>(oneToOne.Relationships, Json.Options))!.TotalCount);
        Assert.Equal(RelationshipKind.Pair, (await oneToOne.StartAsync(mentor, ann)).Kind);
        Assert.Equal(RelationshipKind.Pair, (await oneToOne.StartAsync(mentor, ben)).Kind);

        var groups = await PairingProgram.CreateAsync(factory, ["Group", "InPerson"]);
        var leader = await groups.ApproveAsync("Gil Mentor", "mentor", capacity: 2);
        var cat = await groups.ApproveAsync("Cat Mentee", "mentee");
        var dan = await groups.ApproveAsync("Dan Mentee", "mentee");
        var group = await groups.StartAsync(leader, cat, dan);
        Assert.Equal(RelationshipKind.Group, group.Kind);
        Assert.Equal(3, group.Members.Count);
    }

    [Fact]
    public async Task ProgramsWithBothOneToOneAndGroupFormatsStayOneToOne()
    {
        var both = await PairingProgram.CreateAsync(factory, ["OneToOne", "Group", "Online"]);
        var mentor = await both.ApproveAsync("Mia Mentor", "mentor", capacity: 2);
        var ann = await both.ApproveAsync("Ann Mentee", "mentee");
        var ben = await both.ApproveAsync("Ben Mentee", "mentee");

        Assert.Equal(HttpStatusCode.BadRequest, (await both.TryStartAsync(null, mentor, ann, ben)).StatusCode);
    }

    [Fact]
    public async Task ReMatchingAMentorWithSeveralMenteesInAOneToOneProgramIsRefusedAndChangesNothing()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor", capacity: 3);
        var old = await program.ApproveAsync("Old Mentee", "mentee");
        var ann = await program.ApproveAsync("Ann Mentee", "mentee");
        var ben = await program.ApproveAsync("Ben Mentee", "mentee");
        var pair = await program.StartAsync(mentor, old);

        var refused = await program.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.Id}/rematch",
            new { enrolmentId = mentor.EnrolmentId, newPartnerEnrolmentIds = new[] { ann.EnrolmentId, ben.EnrolmentId }, reason = "New term" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("one-to-one", await refused.Content.ReadAsStringAsync());
        var list = (await program.Coordinator.GetFromJsonAsync<Paged<RelationshipView>>(program.Relationships, Json.Options))!;
        Assert.Equal(pair.Id, Assert.Single(list.Items).Id);
        Assert.Equal(RelationshipStatus.Active, list.Items[0].Status);
    }

    [Fact]
    public async Task APeerProgramFormsStudyGroupsOnlyOnceItsSetupSaysSo()
    {
        var program = await MatchingProgram.CreateAsync(factory, pairing: "PeerToPeer");
        var peers = new List<Member>();
        foreach (var name in new[] { "Pat Peer", "Quinn Peer", "Robin Peer" })
        {
            peers.Add(await program.ApproveAsync(name, "peer", "Maths", ["Music"], 3, [10]));
        }
        var relationships = $"/api/v1/programs/{program.Program.Id}/relationships";
        object Group() => new { memberEnrolmentIds = peers.Select(p => p.EnrolmentId).ToArray(), kind = "Group", startsOn = "2027-02-01" };

        var refused = await program.Coordinator.PostAsJsonAsync(relationships, Group());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("two by two", await refused.Content.ReadAsStringAsync());

        await program.SaveSetupAsync(new { groupSize = 3, criteria = new object[] { new { name = "subject", kind = "SameValue", questionId = "subject", weight = 1 } } });
        Assert.Equal(HttpStatusCode.Created, (await program.Coordinator.PostAsJsonAsync(relationships, Group())).StatusCode);
    }

    [Theory]
    [InlineData(null, "3 separate pairs", "one-to-one: a capacity of N means N separate pairs")]
    [InlineData(new[] { "Group", "InPerson" }, "one group of 3", "group mentoring: a capacity of N means one group of the mentor and N mentees")]
    public async Task TheApprovalScreensSayWhetherACapacityMeansSeparatePairsOrOneGroup(string[]? formats, string decided, string meaning)
    {
        var program = await PairingProgram.CreateAsync(factory, formats);
        var applicant = await factory.CreateUserAsync("Ada Applicant");
        var client = await factory.SignedInClientAsync(applicant);
        var applied = await client.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/applications", new
        {
            role = "mentor",
            answers = new Dictionary<string, object> { ["subject"] = "Maths" },
            acceptsCodeOfConduct = true,
            submit = true,
        });
        var application = (await applied.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        var page = $"/programs/{program.Program.Id}/applications/{application.Id}";

        Assert.Contains(meaning, await program.Coordinator.GetStringAsync(page));
        Assert.Contains(meaning, await program.Coordinator.GetStringAsync($"/programs/{program.Program.Id}/applications"));

        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/applications/{application.Id}/decision",
            new { decision = "Approve", mentorCapacity = 3 })).EnsureSuccessStatusCode();
        Assert.Contains($"capacity 3 ({decided})", await program.Coordinator.GetStringAsync(page));
    }
}
