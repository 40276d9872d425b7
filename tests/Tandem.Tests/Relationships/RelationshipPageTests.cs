using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Paging;
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
        var sent = await menteePage.SubmitAsync(find, $"request-{mentor.EnrolmentId}", [new("mentor", mentor.EnrolmentId.ToString()), new("message", "Hello Mia")]);
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Your request was sent to Mia Mentor", await sent.Content.ReadAsStringAsync());

        var requests = await mentor.Client.GetFromJsonAsync<Paged<MentorRequestView>>("/api/v1/mentor-requests/mine", Json.Options);
        // An answer the page cannot read is refused in words, not taken as "no" (it declined the request before ADR 81).
        var unread = await new PageClient(mentor.Client).SubmitAsync("/my/relationships", $"decide-{requests!.Items[0].Id}",
            [new("request", requests!.Items[0].Id.ToString()), new("accept", "maybe")]);
        Assert.Equal(HttpStatusCode.BadRequest, unread.StatusCode);
        Assert.Contains("Accept: “maybe” is not a valid value.", WebUtility.HtmlDecode(await unread.Content.ReadAsStringAsync()));
        var accepted = await new PageClient(mentor.Client).SubmitAsync("/my/relationships", $"decide-{requests!.Items[0].Id}",
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
        // A second pair on the list: every row's forms once shared one name, and Blazor refused any post on such a page.
        var other = await program.StartAsync(await program.ApproveAsync("Ola Mentor", "mentor"), await program.ApproveAsync("Oli Mentee", "mentee"));
        var path = $"/programs/{program.Program.Id}/relationships";

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.Client.GetAsync(path)).StatusCode);
        var coordinator = new PageClient(program.Coordinator);
        var missingReason = await coordinator.SubmitAsync(path, $"status-{pair.Id}", [new("relationship", pair.Id.ToString()), new("next", "EndedEarly")]);
        Assert.Equal(HttpStatusCode.BadRequest, missingReason.StatusCode);
        var undefined = await coordinator.SubmitAsync(path, $"status-{pair.Id}", [new("relationship", pair.Id.ToString()), new("next", "7"), new("reason", "Typed reason")]);
        Assert.Equal(HttpStatusCode.BadRequest, undefined.StatusCode);
        var undefinedHtml = WebUtility.HtmlDecode(await undefined.Content.ReadAsStringAsync());
        Assert.Contains("Choose one of the statuses offered.", undefinedHtml);
        Assert.Contains("value=\"Typed reason\"", undefinedHtml);
        var ended = await coordinator.SubmitAsync(path, $"status-{pair.Id}", [new("relationship", pair.Id.ToString()), new("next", "EndedEarly"), new("reason", "Moved away")]);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.Contains("The relationship is now ended early", WebUtility.HtmlDecode(await ended.Content.ReadAsStringAsync()), StringComparison.OrdinalIgnoreCase);
        var stillActive = await program.Coordinator.GetFromJsonAsync<RelationshipView>($"/api/v1/relationships/{other.Id}", Json.Options);
        Assert.Equal(RelationshipStatus.Active, stillActive!.Status);
        var html = await (await program.Coordinator.GetAsync($"{path}?status=EndedEarly")).Content.ReadAsStringAsync();
        Assert.Contains("Moved away", html);
        Assert.Contains("Cora Ordinator", html);
    }
    [Fact]
    public async Task ACoordinatorSetsSelfMatchAndTheFitCheckOnTheSettingsPageAndMatchesLateJoinersThere()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var settingsPath = $"/programs/{program.Program.Id}/settings";
        var coordinator = await PageClient.SignInAsync(factory, program.School.Coordinator.Email);
        Assert.Contains($"href=\"{settingsPath}\"", await coordinator.Http.GetStringAsync($"/programs/{program.Program.Id}"));

        var saved = await coordinator.SubmitAsync(settingsPath, "program-settings",
            [new("Input.SelfMatchEnabled", "true"), new("Input.RequestTimeoutDays", "5"), new("Input.FitCheckAfterDays", "10")]);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Saved. Mentees may choose a mentor; mentors answer within 5 days. The fit check opens after 10 days.", await saved.Content.ReadAsStringAsync());
        var api = await program.Coordinator.GetFromJsonAsync<RelationshipSettingsView>($"/api/v1/programs/{program.Program.Id}/relationship-settings", Json.Options);
        Assert.Equal((true, 5, 10), (api!.SelfMatchEnabled, api.RequestTimeoutDays, api.FitCheckAfterDays));
        Assert.Matches("id=\"self-match\"[^>]*checked", await coordinator.Http.GetStringAsync(settingsPath));

        // Out of range: a sentence, a 400, and nothing changed.
        var refused = await coordinator.SubmitAsync(settingsPath, "program-settings",
            [new("Input.SelfMatchEnabled", "false"), new("Input.RequestTimeoutDays", "5"), new("Input.FitCheckAfterDays", "0")]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("The fit check opens 1 to 120 days after the start.", await refused.Content.ReadAsStringAsync());
        api = await program.Coordinator.GetFromJsonAsync<RelationshipSettingsView>($"/api/v1/programs/{program.Program.Id}/relationship-settings", Json.Options);
        Assert.Equal((true, 10), (api!.SelfMatchEnabled, api.FitCheckAfterDays));

        // A mentee approved with a mentor free: matched from the same page.
        await program.ApproveAsync("Mia Mentor", "mentor", subject: "Maths");
        var late = await program.ApproveAsync("Max Mentee", "mentee", subject: "Maths");
        var matched = await coordinator.SubmitAsync(settingsPath, "late-joiners", []);
        var html = WebUtility.HtmlDecode(await matched.Content.ReadAsStringAsync());
        Assert.Contains("1 matched, 0 still waiting.", html);
        Assert.Contains("Max Mentee with Mia Mentor", html);
        Assert.Single((await late.Client.GetFromJsonAsync<Paged<MyRelationshipView>>("/api/v1/relationships/mine", Json.Options))!.Items);
    }

    [Fact]
    public async Task ParticipantsCannotOpenTheSettingsPage()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var page = await mentee.Client.GetAsync($"/programs/{program.Program.Id}/settings");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.DoesNotContain("Save settings", await page.Content.ReadAsStringAsync());
        var outsider = await PageClient.SignInAsync(factory, program.School.Outsider.Email);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync($"/programs/{program.Program.Id}/settings")).StatusCode);
    }
}
