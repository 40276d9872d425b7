using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Features.Programs;
using Tandem.Features.Matching;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Meetings;
using Tandem.Tests.Recruitment;
using Tandem.Tests.Relationships;

namespace Tandem.Tests.Matching;

/// <summary>Publishing over a real SMTP server: relationships, in-app notifications and e-mails.</summary>
public sealed class PublishingTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private Task<MatchingProgram> ProgramAsync() => MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);

    [Fact]
    public async Task PublishingOffersToMoveTheProgramFromMatchingToRunning()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        (await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Program.Id}/status", new { status = "Matching" })).EnsureSuccessStatusCode();
        var draft = await program.RunAsync();
        var page = await (await fixture.SignInAsync(program.School.Coordinator)).GetStringAsync($"/programs/{program.Program.Id}/matching");
        Assert.Contains("Also move the program to running", page);

        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01", startProgram = true });

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(ProgramStatus.Running, (await published.Content.ReadFromJsonAsync<PublishResult>(Json.Options))!.ProgramStatus);
        var after = (await program.Coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{program.Program.Id}", Json.Options))!;
        Assert.Equal(ProgramStatus.Running, after.Status);
        Assert.Equal([ProgramStatus.Closed], after.AllowedTransitions);
    }

    [Fact]
    public async Task PublishingStartsRelationshipsAndTellsBothSidesWhoAndWhyWithoutAnyPrivateAnswer()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        // The coordinator sees the private criterion with its value; participants never will.
        Assert.Contains("same background: Northside", draft.Proposals.Items.Single(p => p.Second.Name == "Ella Mentee").Summary);

        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var result = (await published.Content.ReadFromJsonAsync<PublishResult>(Json.Options))!;
        Assert.Equal(2, result.Relationships);
        Assert.Equal(4, result.PeopleNotified);

        var ella = await program.SignInAsync("Ella Mentee");
        var maya = await program.SignInAsync("Maya Mentor");
        var ellaNotifications = await ella.GetStringAsync("/api/v1/me/notifications");
        var mayaNotifications = await maya.GetStringAsync("/api/v1/me/notifications");
        var ellaRelationships = await ella.GetStringAsync("/api/v1/relationships/mine");
        Assert.Contains("Your mentor", ellaNotifications);
        Assert.Contains("Maya Mentor", ellaNotifications);
        Assert.Contains("I love algebra and jazz.", ellaNotifications);
        Assert.Contains("same subject: Maths", ellaNotifications);
        Assert.Contains("both: Music", ellaNotifications);
        Assert.Contains("I want to get better at fractions.", mayaNotifications);
        Assert.Contains("Maya Mentor", ellaRelationships);
        Assert.Contains("same subject: Maths", ellaRelationships);

        // Each also had the e-mail saying their application was approved.
        var ellaEmail = Assert.Single(await fixture.Smtp.ForAsync(program.People["Ella Mentee"].User.Email, expected: 2), m => m.Subject!.StartsWith("Your mentor"));
        var mayaEmail = Assert.Single(await fixture.Smtp.ForAsync(program.People["Maya Mentor"].User.Email, expected: 2), m => m.Subject!.StartsWith("Your mentee"));
        Assert.Contains("Maya Mentor", ellaEmail.TextBody);
        Assert.Contains("same subject: Maths", ellaEmail.TextBody);

        // Private answers (the background criterion's values, the health question) appear nowhere a participant looks.
        foreach (var text in new[] { ellaNotifications, mayaNotifications, ellaRelationships, ellaEmail.TextBody, mayaEmail.TextBody, ellaEmail.HtmlBody ?? "" })
        {
            Assert.DoesNotContain("Northside", text);
            Assert.DoesNotContain("Southside", text);
            Assert.DoesNotContain("Asthma", text);
            Assert.DoesNotContain("Nothing to report", text);
            Assert.DoesNotContain("background", text);
        }

        // Published: the draft is closed and the matched people leave the pool.
        var again = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var next = await program.RunAsync();
        Assert.Empty(next.Proposals.Items);
        Assert.Equal("Gus Mentee", Assert.Single(next.UnmatchedPeople).Name);
    }

    [Fact]
    public async Task AOneToOneMentorApprovedForThreeGetsThreeSeparatePairsAndNoMenteeReadsAnothersPair()
    {
        var program = await ProgramAsync();
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music"], 5, [10], capacity: 3);
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10], intro: "Ella's own hello.");
        await program.ApproveAsync("Finn Mentee", "mentee", "Maths", ["Games"], 3, [10], intro: "Finn's own hello.");
        await program.ApproveAsync("Gus Mentee", "mentee", "Maths", ["Sport"], 4, [10], intro: "Gus's own hello.");
        var draft = await program.RunAsync();
        // The draft already shows three relationships, not one group of four.
        Assert.Equal(3, draft.Proposals.Items.Select(p => p.GroupNumber).Distinct().Count());

        var today = DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd");
        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = today });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(3, (await published.Content.ReadFromJsonAsync<PublishResult>(Json.Options))!.Relationships);

        var maya = await program.SignInAsync("Maya Mentor");
        var mayasPairs = (await (await maya.GetAsync("/api/v1/relationships/mine")).ReadAsync<Paged<JsonElement>>()).Items;
        Assert.Equal(3, mayasPairs.Count);
        Assert.All(mayasPairs, r => Assert.Equal("Pair", r.GetProperty("kind").GetString()));
        Assert.All(mayasPairs, r => Assert.Equal(2, r.GetProperty("members").GetArrayLength()));
        var pairOf = mayasPairs.ToDictionary(
            r => r.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("displayName").GetString()!).Single(n => n != "Maya Mentor"),
            r => r.GetProperty("id").GetGuid());
        // The mentor hears once, about all three, and that they are separate pairs.
        var mayasNotice = Assert.Single(await PairingProgram.NoticesAsync(maya), n => n.Title.StartsWith("Your mentee"));
        Assert.StartsWith("Your mentees", mayasNotice.Title);
        Assert.Contains("Ella Mentee", mayasNotice.Body);
        Assert.Contains("Gus Mentee", mayasNotice.Body);
        Assert.Contains("separate one-to-one pair", mayasNotice.Body);

        // Something private to Ella's pair: a contact the mentor logs there.
        var logged = await maya.PostAsJsonAsync($"/api/v1/relationships/{pairOf["Ella Mentee"]}/check-ins",
            new { happened = true, topics = "Ella's fractions worry", occurredAt = fixture.Clock.GetUtcNow().AddHours(-1) });
        Assert.True(logged.IsSuccessStatusCode, await logged.Content.ReadAsStringAsync());

        var finn = await program.SignInAsync("Finn Mentee");
        var finnsText = await finn.GetStringAsync("/api/v1/relationships/mine") + await finn.GetStringAsync("/api/v1/me/notifications")
            + await finn.GetStringAsync("/my/relationships");
        Assert.Contains("Maya Mentor", finnsText);
        foreach (var other in new[] { "Ella Mentee", "Gus Mentee", "Ella's own hello.", "Gus's own hello.", "Ella's fractions worry" })
        {
            Assert.DoesNotContain(other, finnsText);
        }
        // Another pair's relationship, meetings, check-ins and fit check do not exist for Finn.
        foreach (var path in new[] { "", "/meetings", "/check-ins", "/fit-check", "/health" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await finn.GetAsync($"/api/v1/relationships/{pairOf["Ella Mentee"]}{path}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await finn.GetAsync($"/relationships/{pairOf["Ella Mentee"]}/check-ins")).StatusCode);
        var finnsPair = (await (await finn.GetAsync($"/api/v1/relationships/{pairOf["Finn Mentee"]}/check-ins")).ReadAsync<Paged<JsonElement>>()).Items;
        Assert.Empty(finnsPair);
    }

    [Fact]
    public async Task AGroupMentoringProgramPublishesAMentorsMenteesAsOneGroup()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync, formats: ["Group", "InPerson"]);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music"], 5, [10], capacity: 2);
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        await program.ApproveAsync("Finn Mentee", "mentee", "Maths", ["Games"], 3, [10]);
        var draft = await program.RunAsync();

        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(1, (await published.Content.ReadFromJsonAsync<PublishResult>(Json.Options))!.Relationships);
        var ella = await program.SignInAsync("Ella Mentee");
        var relationship = Assert.Single((await (await ella.GetAsync("/api/v1/relationships/mine")).ReadAsync<Paged<JsonElement>>()).Items);
        Assert.Equal("Group", relationship.GetProperty("kind").GetString());
        Assert.Equal(["Finn Mentee", "Maya Mentor"],
            relationship.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("displayName").GetString()!).Where(n => n != "Ella Mentee").Order());
    }

    [Fact]
    public async Task AnOlderDraftCannotBePublished()
    {
        var program = await ProgramAsync();
        await program.AddSmallPoolAsync();
        var first = await program.RunAsync();
        await program.RunAsync();

        var response = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{first.Id}/publish", new { startsOn = "2027-02-01" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var mentee = await program.SignInAsync("Ella Mentee");
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync($"{program.Api}/drafts/{first.Id}/publish", new { startsOn = "2027-02-01" })).StatusCode);
    }
}
