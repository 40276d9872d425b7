using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Matching;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Matching;

/// <summary>Publishing over a real SMTP server: relationships, in-app notifications and e-mails.</summary>
public sealed class PublishingTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private Task<MatchingProgram> ProgramAsync() => MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);

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

        var ellaEmail = Assert.Single(await fixture.Smtp.ForAsync(program.People["Ella Mentee"].User.Email));
        var mayaEmail = Assert.Single(await fixture.Smtp.ForAsync(program.People["Maya Mentor"].User.Email));
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
    public async Task AMentorWithSeveralMenteesIsPublishedAsOneGroup()
    {
        var program = await ProgramAsync();
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music"], 5, [10], capacity: 2);
        await program.ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        await program.ApproveAsync("Finn Mentee", "mentee", "Maths", ["Games"], 3, [10]);
        var draft = await program.RunAsync();

        var published = await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" });
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(1, (await published.Content.ReadFromJsonAsync<PublishResult>(Json.Options))!.Relationships);
        var maya = await program.SignInAsync("Maya Mentor");
        var relationships = await maya.GetStringAsync("/api/v1/relationships/mine");
        Assert.Contains("Group", relationships);
        Assert.Contains("Finn Mentee", relationships);
        Assert.Contains("Ella Mentee", relationships);
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
