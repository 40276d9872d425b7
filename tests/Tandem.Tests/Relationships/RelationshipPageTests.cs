using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

public sealed class RelationshipPageTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AMenteeFindsAMentorOnThePageAndTheMentorAcceptsFromTheirMatches()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor", subject: "Maths", secret: "Dyslexia");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee", subject: "Maths", secret: "Dyslexia");
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 7, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var menteePage = new PageClient(mentee.Client);
        var find = $"/programs/{program.Program.Id}/find-a-mentor";

        var list = await mentee.Client.GetStringAsync(find);
        Assert.Contains("Mia Mentor", list);
        Assert.DoesNotContain("Dyslexia", list);
        var sent = await menteePage.SubmitAsync(find, "request", [new("mentor", mentor.EnrolmentId.ToString()), new("message", "Hello Mia")]);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Your request was sent to Mia Mentor", await sent.Content.ReadAsStringAsync());

        var requests = await mentor.Client.GetFromJsonAsync<Paged<MentorRequestView>>("/api/v1/mentor-requests/mine", Json.Options);
        var accepted = await new PageClient(mentor.Client).SubmitAsync("/my/relationships", "decide",
            [new("request", requests!.Items[0].Id.ToString()), new("accept", "true")]);
        var html = await accepted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("You are now Max Mentee", WebUtility.HtmlDecode(html));

        var mine = WebUtility.HtmlDecode(await mentee.Client.GetStringAsync("/my/relationships"));
        Assert.Contains("Mia Mentor", mine);
        Assert.Contains("Why you were matched", mine);
        Assert.DoesNotContain("Dyslexia", mine);
    }

    [Fact]
    public async Task TheCoordinatorEndsARelationshipEarlyFromTheListAndMenteesCannotOpenIt()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var pair = await program.StartAsync(mentor, mentee);
        var path = $"/programs/{program.Program.Id}/relationships";

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.GetAsync(path)).StatusCode);
        var coordinator = new PageClient(program.Coordinator);
        var missingReason = await coordinator.SubmitAsync(path, "status", [new("relationship", pair.Id.ToString()), new("next", "EndedEarly")]);
        Assert.Equal(HttpStatusCode.BadRequest, missingReason.StatusCode);
        var ended = await coordinator.SubmitAsync(path, "status", [new("relationship", pair.Id.ToString()), new("next", "EndedEarly"), new("reason", "Moved away")]);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        var html = await (await program.Coordinator.GetAsync($"{path}?status=EndedEarly")).Content.ReadAsStringAsync();
        Assert.Contains("Moved away", html);
        Assert.Contains("Cora Ordinator", html);
    }
}
