using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Tandem.Features.Accounts;
using Tandem.Features.Meetings;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Meetings;

/// <summary>The organisation's video-link policy, chosen on its settings page.</summary>
public sealed class MeetingSettingsPageTests(MeetingFixture fixture) : IClassFixture<MeetingFixture>
{
    private async Task<PageClient> PagesAsync(UserSummary user)
    {
        var pages = new PageClient(fixture.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var signedIn = await pages.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", user.Email), new("Input.Password", TandemFactory.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return pages;
    }

    private static object Online(string? videoLink) => new
    {
        startsAt = new DateTimeOffset(2027, 5, 11, 16, 0, 0, TimeSpan.Zero), durationMinutes = 45, mode = "Online", videoLink,
    };

    [Fact]
    public async Task ACoordinatorSwitchesToPastedLinksAndAnOnlineMeetingWithoutALinkIsThenRefused()
    {
        var pair = await fixture.PairAsync();
        var path = $"/organisations/{pair.School.Organisation.Id}/meeting-settings";
        var coordinator = await PagesAsync(pair.School.Coordinator);
        Assert.Contains($"href=\"{path}\"", await coordinator.Http.GetStringAsync("/organisations"));
        var before = await coordinator.Http.GetStringAsync(path);
        Assert.Contains("Generated Jitsi Meet room (no account needed)", before);
        Assert.Contains("Pasted Zoom, Microsoft Teams or Google Meet link", before);
        Assert.Contains("Not chosen yet", before);
        // Until then a link is generated.
        var generated = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Online(null))).ReadAsync<List<MeetingView>>()).Single();
        Assert.StartsWith(MeetingLinks.JitsiBase, generated.VideoLink);

        var saved = await coordinator.SubmitAsync(path, "meeting-settings", [new("Input.VideoLinks", "Pasted")]);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Saved: online meetings now need a pasted Zoom, Microsoft Teams or Google Meet link.", await saved.Content.ReadAsStringAsync());
        var withoutLink = await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Online(null));
        Assert.True(withoutLink.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, withoutLink.StatusCode.ToString());
        Assert.Contains("VideoLink", await withoutLink.Content.ReadAsStringAsync());
        var pasted = (await (await pair.Mentee.Client.PostAsJsonAsync(pair.Meetings, Online("https://us02web.zoom.us/j/123456789"))).ReadAsync<List<MeetingView>>()).Single();
        Assert.Equal("https://us02web.zoom.us/j/123456789", pasted.VideoLink);
        var after = await coordinator.Http.GetStringAsync(path);
        Assert.DoesNotContain("Not chosen yet", after);
        Assert.Matches("id=\"links-pasted\"[^>]*checked", after);

        var back = await coordinator.SubmitAsync(path, "meeting-settings", [new("Input.VideoLinks", "GeneratedJitsi")]);
        Assert.Contains("Saved: online meetings now get a generated Jitsi Meet room.", await back.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MenteesAndOtherMembersGet403AndPeopleOutsideTheOrganisation404()
    {
        var pair = await fixture.PairAsync();
        var path = $"/organisations/{pair.School.Organisation.Id}/meeting-settings";

        var member = await PagesAsync(pair.School.Mentee);
        var page = await member.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        Assert.DoesNotContain("Generated Jitsi Meet room", await page.Content.ReadAsStringAsync());
        Assert.DoesNotContain($"href=\"{path}\"", await member.Http.GetStringAsync("/organisations"));

        var mentee = await PagesAsync(pair.Mentee.User);
        Assert.True((await mentee.Http.GetAsync(path)).StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound);
        var outsider = await PagesAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.Http.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(pair.School.Outsider)).GetAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/meeting-settings")).StatusCode);

        // Nor can they change it through the API; nothing changes.
        var client = await fixture.SignInAsync(pair.School.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/meeting-settings", new { videoLinks = "Pasted" })).StatusCode);
        var settings = await (await pair.Coordinator.GetAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/meeting-settings")).ReadAsync<MeetingSettingsView>();
        Assert.Equal(VideoLinkPolicy.GeneratedJitsi, settings.VideoLinks);
    }

    [Fact]
    public async Task AnUndefinedPolicyNumberIsRefusedAndTheSettingsStillRead()
    {
        var pair = await fixture.PairAsync();
        var path = $"/organisations/{pair.School.Organisation.Id}/meeting-settings";
        var coordinator = await PagesAsync(pair.School.Coordinator);

        // Blazor reads "7" as a VideoLinkPolicy; stored, every JSON read of the settings (and of the pair's meetings) failed.
        var refused = await coordinator.SubmitAsync(path, "meeting-settings", [new("Input.VideoLinks", "7")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose generated Jitsi Meet rooms or pasted links.", await refused.Content.ReadAsStringAsync());
        var read = await pair.Coordinator.GetAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/meeting-settings");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(VideoLinkPolicy.GeneratedJitsi, (await read.ReadAsync<MeetingSettingsView>()).VideoLinks);
    }
}
