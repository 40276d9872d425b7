using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Integrations;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>The app accepting the tests' loopback webhook receiver (http://127.0.0.1) as a program's Slack channel.</summary>
public sealed class LoopbackChannelsServer() : TandemServer(null, new Dictionary<string, string>
{
    ["Integrations:AllowLoopbackHttp"] = "true",
});

/// <summary>
/// Issue 12, "Done when": a pair talks in real time (the mentee on a phone), neither page reloading; and a coordinator's
/// announcement, posted on the announcements page, reaches the program's Slack channel (a real local receiver) as Block Kit.
/// </summary>
public sealed class ConversationAndAnnouncementJourneyTests(LoopbackChannelsServer server, ITestOutputHelper output)
    : IClassFixture<LoopbackChannelsServer>, IAsyncLifetime
{
    private WebhookReceiver receiver = default!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task APairTalksLiveOnLaptopAndPhoneAndTheCoordinatorsAnnouncementReachesSlack()
    {
        // Given: the demo's mentor and mentee are a pair.
        var relationshipId = await StartDemoPairAsync();
        var path = $"/relationships/{relationshipId}/messages";
        var mentor = await server.NewPageAsync();
        var mentee = await server.NewPageAsync();
        var coordinator = await server.NewPageAsync();
        var current = mentor;
        try
        {
            await mentee.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(mentor, "Mentor");
            await server.SignInAsync(mentee, "Mentee");
            await mentor.GotoAsync(path);
            await mentee.GotoAsync(path);
            // Both pages follow the conversation once their live connections are up.
            await Expect(mentor.Locator("[data-following=true]")).ToHaveCountAsync(1);
            await Expect(mentee.Locator("[data-following=true]")).ToHaveCountAsync(1);
            var menteeNavigations = 0;
            mentee.FrameNavigated += (_, frame) => { if (frame == mentee.MainFrame) { menteeNavigations++; } };

            // The mentor writes; it arrives on the mentee's open phone page.
            var hello = $"Shall we meet on Thursday? ({Guid.NewGuid():N})";
            await mentor.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync(hello);
            await mentor.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Expect(mentor.Locator("li.message.mine").Filter(new() { HasText = hello })).ToHaveCountAsync(1);
            current = mentee;
            await Expect(mentee.Locator("li.message.theirs").Filter(new() { HasText = hello })).ToHaveCountAsync(1);
            Assert.Equal(0, menteeNavigations);
            await Layout.AssertFitsAPhoneAsync(mentee);

            // The mentee answers from the phone; it arrives on the mentor's open page.
            var mentorNavigations = 0;
            // The mentor's page came back after sending: it follows again (missed messages are fetched on joining).
            await Expect(mentor.Locator("[data-following=true]")).ToHaveCountAsync(1);
            mentor.FrameNavigated += (_, frame) => { if (frame == mentor.MainFrame) { mentorNavigations++; } };
            var reply = $"Thursday works, see you at four ({Guid.NewGuid():N})";
            await mentee.GetByRole(AriaRole.Textbox, new() { Name = "Message" }).FillAsync(reply);
            await mentee.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Expect(mentee.Locator("li.message.mine").Filter(new() { HasText = reply })).ToHaveCountAsync(1);
            current = mentor;
            await Expect(mentor.Locator("li.message.theirs").Filter(new() { HasText = reply })).ToHaveCountAsync(1);
            Assert.Equal(0, mentorNavigations);
            server.AssertNoContentSecurityViolations();

            // The coordinator connects the program's Slack channel (a local receiver) and announces on the page.
            current = coordinator;
            await server.SignInAsync(coordinator, "Coordinator");
            var programId = server.Demo.ProgramId;
            var slack = receiver.NewHook("slack");
            var connected = await coordinator.Context.APIRequest.PutAsync($"/api/v1/programs/{programId}/channels", new() { DataObject = new { slackWebhookUrl = slack } });
            Assert.True(connected.Ok, $"Connecting Slack answered {connected.Status}: {await connected.TextAsync()}");
            await coordinator.GotoAsync($"/programs/{programId}/announcements");
            var title = $"Reading day {Guid.NewGuid():N}"[..24];
            await coordinator.GetByLabel("Title").FillAsync(title);
            await coordinator.GetByLabel("Message").FillAsync("Bring a **favourite book** on Friday.");
            await Expect(coordinator.GetByLabel("Also post it to the program's Slack and Teams channels (when connected)")).ToBeCheckedAsync();
            await coordinator.GetByRole(AriaRole.Button, new() { Name = "Post announcement" }).ClickAsync();
            await Expect(coordinator.Locator(".notice")).ToContainTextAsync("The announcement is posted");
            await Expect(coordinator.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();

            // Slack got it once, as Block Kit: a header with the title and a mrkdwn section with the text.
            var post = await PostedToAsync(slack);
            Assert.Equal(System.Net.HttpStatusCode.OK, post.Answer);
            Assert.StartsWith("application/json", post.ContentType);
            var json = JsonNode.Parse(post.Body)!.AsObject();
            Assert.Contains(title, json["text"]!.GetValue<string>());
            var blocks = json["blocks"]!.AsArray();
            Assert.Equal("header", blocks[0]!["type"]!.GetValue<string>());
            Assert.Equal("plain_text", blocks[0]!["text"]!["type"]!.GetValue<string>());
            Assert.Equal(title, blocks[0]!["text"]!["text"]!.GetValue<string>());
            Assert.Equal("section", blocks[1]!["type"]!.GetValue<string>());
            Assert.Equal("mrkdwn", blocks[1]!["text"]!["type"]!.GetValue<string>());
            Assert.Contains("Bring a *favourite book* on Friday.", blocks[1]!["text"]!["text"]!.GetValue<string>());
            Assert.Single(receiver.To(slack));
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(current, "conversation-announcement", output);
            throw;
        }
        finally
        {
            await mentor.Context.CloseAsync();
            await mentee.Context.CloseAsync();
            await coordinator.Context.CloseAsync();
        }
    }

    /// <summary>
    /// The post the receiver got for the hook: the page posts at once; should that attempt not have reached it, a pass of
    /// the HTTP outbox (what any node's worker does, which the test host leaves off) delivers it. Waits up to 30 s.
    /// </summary>
    private async Task<WebhookReceiver.ReceivedPost> PostedToAsync(string hook)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200))
        {
            if (receiver.To(hook) is [var post, ..])
            {
                return post;
            }
            await using (var scope = server.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<HttpOutbox>().DeliverDueAsync();
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Nothing was posted to {hook}. Server log:\n{string.Join("\n", server.ServerErrors)}");
            }
        }
    }

    private async Task<Guid> StartDemoPairAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var people = await db.Enrolments.Where(e => e.ProgramId == server.Demo.ProgramId)
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { e.Id, u.Email })
            .ToListAsync();
        var coordinator = await db.Users.SingleAsync(u => u.Email == server.Demo.For("Coordinator").Email);
        var started = await scope.ServiceProvider.GetRequiredService<StartRelationship>().RunAsync(new Actor(coordinator.Id, false), new StartRelationshipRequest(
            server.Demo.ProgramId,
            [people.Single(p => p.Email == server.Demo.For("Mentor").Email).Id, people.Single(p => p.Email == server.Demo.For("Mentee").Email).Id],
            RelationshipKind.Pair,
            DateOnly.FromDateTime(DateTime.UtcNow),
            RelationshipSource.Manual,
            null,
            null));
        Assert.Null(started.Failure);
        return started.Value!.Id;
    }
}
