using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Community;
using Tandem.Features.Integrations;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Text;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Community;

/// <summary>
/// Issue 12, announcements (item 2) and Slack and Teams (item 4): a coordinator's announcement reaches its audience in the
/// app and by e-mail, and each connected channel once, in that channel's documented format, through a real local receiver.
/// </summary>
public sealed class AnnouncementTests(PairFixture fixture) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = default!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static string Announcements(Guid programId) => $"/api/v1/programs/{programId}/announcements";

    private static async Task<AnnouncementView> AnnounceAsync(HttpClient coordinator, Guid programId, string title, string body, string audience = "Everyone")
    {
        var response = await coordinator.PostAsJsonAsync(Announcements(programId), new { title, body, audience });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<AnnouncementView>(Json.Options))!;
    }

    private static async Task<(string Slack, string Teams)> ConnectAsync(HttpClient coordinator, Guid programId, WebhookReceiver receiver)
    {
        var (slack, teams) = (receiver.NewHook("slack"), receiver.NewHook("teams"));
        var response = await coordinator.PutAsJsonAsync($"/api/v1/programs/{programId}/channels", new { slackWebhookUrl = slack, teamsWebhookUrl = teams });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (slack, teams);
    }

    private static async Task<IReadOnlyList<NotificationView>> NoticesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!.Items;

    /// <summary>Slack's incoming-webhook body: a text fallback and Block Kit blocks, a header (plain_text, ≤ 150) and a mrkdwn section (≤ 3,000).</summary>
    private static JsonObject CheckSlack(WebhookReceiver.ReceivedPost post)
    {
        Assert.StartsWith("application/json", post.ContentType);
        var json = JsonNode.Parse(post.Body)!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(json["text"]!.GetValue<string>()));
        var blocks = json["blocks"]!.AsArray();
        var header = blocks.Single(b => b!["type"]!.GetValue<string>() == "header")!;
        Assert.Equal("plain_text", header["text"]!["type"]!.GetValue<string>());
        Assert.InRange(header["text"]!["text"]!.GetValue<string>().Length, 1, 150);
        var section = blocks.Single(b => b!["type"]!.GetValue<string>() == "section")!;
        Assert.Equal("mrkdwn", section["text"]!["type"]!.GetValue<string>());
        Assert.InRange(section["text"]!["text"]!.GetValue<string>().Length, 1, 3000);
        Assert.All(blocks, b => Assert.Contains(b!["type"]!.GetValue<string>(), new[] { "header", "section", "context" }));
        return json;
    }

    /// <summary>Teams' incoming-webhook body: a message whose one attachment is an Adaptive Card 1.4 with a body of elements.</summary>
    private static JsonObject CheckTeams(WebhookReceiver.ReceivedPost post)
    {
        Assert.StartsWith("application/json", post.ContentType);
        var json = JsonNode.Parse(post.Body)!.AsObject();
        Assert.Equal("message", json["type"]!.GetValue<string>());
        var attachment = Assert.Single(json["attachments"]!.AsArray())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Equal("1.4", card["version"]!.GetValue<string>());
        var body = card["body"]!.AsArray();
        Assert.NotEmpty(body);
        Assert.All(body, e => Assert.Equal("TextBlock", e!["type"]!.GetValue<string>()));
        return json;
    }

    [Fact]
    public async Task AnAnnouncementReachesEveryoneInTheAppByEmailAndEachChannelOnceInItsDocumentedFormat()
    {
        var pair = await fixture.PairAsync();
        var (slack, teams) = await ConnectAsync(pair.Coordinator, pair.ProgramId, receiver);

        // The addresses are secrets: the coordinator sees them masked, never in full.
        var settings = await pair.Coordinator.GetStringAsync($"/api/v1/programs/{pair.ProgramId}/channels");
        var shown = JsonNode.Parse(settings)!;
        Assert.DoesNotContain(new Uri(slack).AbsolutePath, settings);
        Assert.DoesNotContain(new Uri(teams).AbsolutePath, settings);
        Assert.Equal($"{receiver.BaseAddress}/…{slack[^4..]}", shown["slack"]!.GetValue<string>());
        Assert.Equal($"{receiver.BaseAddress}/…{teams[^4..]}", shown["teams"]!.GetValue<string>());

        var body = "Bring a **favourite book** on Friday.\n\n- Hall B\n- 3 pm\n\nDetails: [the map](https://example.org/map) <script>alert(1)</script>";
        var posted = await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Reading day", body);

        var slackPost = Assert.Single(receiver.To(slack));
        var teamsPost = Assert.Single(receiver.To(teams));
        var slackJson = CheckSlack(slackPost);
        CheckTeams(teamsPost);
        Assert.Equal("Reading day", slackJson["blocks"]![0]!["text"]!["text"]!.GetValue<string>());
        var mrkdwn = slackJson["blocks"]![1]!["text"]!["text"]!.GetValue<string>();
        Assert.Contains("*favourite book*", mrkdwn);
        Assert.Contains("• Hall B", mrkdwn);
        Assert.Contains("<https://example.org/map|the map>", mrkdwn);
        Assert.Contains("&lt;script&gt;", mrkdwn); // the writer's text cannot make a Slack link or mention
        Assert.Contains($"/programs/{pair.ProgramId}/announcements", slackJson["blocks"]![2]!.ToJsonString());
        Assert.Contains("Reading day", teamsPost.Body);

        // Everyone in the program is told in the app and by e-mail.
        foreach (var person in new[] { pair.Mentor, pair.Mentee, pair.OtherMentee })
        {
            var client = await fixture.SignInAsync(person);
            Assert.Contains(await NoticesAsync(client), n => n.Title.EndsWith("Reading day") && n.Link == $"/programs/{pair.ProgramId}/announcements");
            Assert.Single(await fixture.OutboxForAsync(person.Email), e => e.Subject.EndsWith("Reading day"));
        }

        // A later pass of the outbox (any node's worker) finds nothing more to post.
        var run = await fixture.WithScopeAsync(s => s.GetRequiredService<HttpOutbox>().DeliverDueAsync());
        Assert.Equal(0, run.Claimed);
        Assert.Single(receiver.To(slack));
        Assert.Single(receiver.To(teams));

        // The participants' page shows the Markdown as safe HTML.
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var list = await mentee.GetFromJsonAsync<Paged<AnnouncementView>>(Announcements(pair.ProgramId), Json.Options);
        Assert.Equal(posted.Id, Assert.Single(list!.Items).Id);
        var page = await mentee.GetStringAsync($"/programs/{pair.ProgramId}/announcements");
        Assert.Contains("<strong>favourite book</strong>", page);
        Assert.Contains("<a href=\"https://example.org/map\" rel=\"noopener noreferrer nofollow ugc\" target=\"_blank\">the map</a>", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.DoesNotContain("<script>alert", page);
        Assert.DoesNotContain("Post announcement", page); // the form is the coordinators'
        Assert.Contains("Post announcement", await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/announcements"));
    }

    [Fact]
    public async Task AProgramsChannelsSavedForTheFirstTimeSeveralTimesAtOnceAreSavedOnceWithoutAnError()
    {
        var pair = await fixture.PairAsync();
        var channels = $"/api/v1/programs/{pair.ProgramId}/channels";

        // A double (or eightfold) click on the first save: each is applied, the last over the others, none is a 500.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => pair.Coordinator.PutAsJsonAsync(channels, new { slackWebhookUrl = receiver.NewHook("slack") })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var saved = (await pair.Coordinator.GetFromJsonAsync<ProgramChannelsView>(channels, Json.Options))!;
        Assert.NotNull(saved.Slack);
        Assert.Null(saved.Teams);
    }

    [Fact]
    public async Task AMentorsAnnouncementReachesTheMentorsAndNoMentee()
    {
        var pair = await fixture.PairAsync();
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Mentor training on Monday", "Training for mentors in room 4.", "mentors");
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);

        Assert.Contains(await NoticesAsync(mentor), n => n.Title.EndsWith("Mentor training on Monday"));
        Assert.DoesNotContain(await NoticesAsync(mentee), n => n.Title.Contains("Mentor training"));
        Assert.Empty(await fixture.OutboxForAsync(pair.Mentee.Email) is var mail ? mail.Where(e => e.Subject.Contains("Mentor training")) : []);
        Assert.Single((await mentor.GetFromJsonAsync<Paged<AnnouncementView>>(Announcements(pair.ProgramId), Json.Options))!.Items);
        Assert.Empty((await mentee.GetFromJsonAsync<Paged<AnnouncementView>>(Announcements(pair.ProgramId), Json.Options))!.Items);
        Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<AnnouncementView>>(Announcements(pair.ProgramId), Json.Options))!.Items);
    }

    [Fact]
    public async Task OnlyTheProgramsCoordinatorsPostAndConfigureChannelsAndOnlyItsPeopleRead()
    {
        var pair = await fixture.PairAsync();
        var other = await fixture.PairAsync();
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Welcome", "Hello everyone.");
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        var otherProgramsMentee = await fixture.SignInAsync(other.OtherMentee);
        var channels = $"/api/v1/programs/{pair.ProgramId}/channels";

        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync(Announcements(pair.ProgramId), new { title = "Hi", body = "From a mentee" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync(channels)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PutAsJsonAsync(channels, new { slackWebhookUrl = receiver.NewHook("slack") })).StatusCode);
        foreach (var stranger in new[] { outsider, otherProgramsMentee })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(Announcements(pair.ProgramId))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync(Announcements(pair.ProgramId), new { title = "Hi", body = "Hello" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(channels)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/programs/{pair.ProgramId}/announcements")).StatusCode);
        }
        // The coordinator of another program finds nothing either.
        Assert.Equal(HttpStatusCode.NotFound, (await other.Coordinator.GetAsync(Announcements(pair.ProgramId))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Coordinator.PostAsJsonAsync(Announcements(pair.ProgramId), new { title = "Hi", body = "Hello" })).StatusCode);
        Assert.Single((await mentee.GetFromJsonAsync<Paged<AnnouncementView>>(Announcements(pair.ProgramId), Json.Options))!.Items);
    }

    [Fact]
    public async Task BadAnnouncementsAndWebhookAddressesAreRefusedWithProblemDetails()
    {
        var pair = await fixture.PairAsync();
        var channels = $"/api/v1/programs/{pair.ProgramId}/channels";
        object[] announcements =
        [
            new { title = new string('t', 201), body = "Fine" },
            new { title = "Fine", body = new string('b', 10_001) },
            new { title = " ", body = "Fine" },
            new { title = "Fine", body = "Fine", audience = "Parents" },
        ];
        foreach (var bad in announcements)
        {
            var response = await pair.Coordinator.PostAsJsonAsync(Announcements(pair.ProgramId), bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
        foreach (var url in new[] { "http://hooks.slack.com/services/T/B/x", "not an address", "ftp://hooks.slack.com/x", "https://10.0.0.1/hook", "https://localhost/hook", "https://user:pw@hooks.slack.com/x" })
        {
            var response = await pair.Coordinator.PutAsJsonAsync(channels, new { slackWebhookUrl = url });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode}");
            Assert.Contains("slackWebhookUrl", await response.Content.ReadAsStringAsync());
        }
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<AnnouncementView>>(Announcements(pair.ProgramId), Json.Options))!.Items);
        var unchanged = await pair.Coordinator.GetFromJsonAsync<ProgramChannelsView>(channels, Json.Options);
        Assert.Null(unchanged!.Slack);

        // Connected, then "" disconnects one channel and leaves the other.
        await ConnectAsync(pair.Coordinator, pair.ProgramId, receiver);
        var after = await (await pair.Coordinator.PutAsJsonAsync(channels, new { slackWebhookUrl = "" })).Content.ReadFromJsonAsync<ProgramChannelsView>(Json.Options);
        Assert.Null(after!.Slack);
        Assert.NotNull(after.Teams);
    }

    [Fact]
    public async Task AChannelThatAnswers500GetsThePostAgainAfterTheBackoffAndOnlyOnceMore()
    {
        var own = await fixture.WithOwnClockAsync();
        try
        {
            await RetriedAfterTheBackoffAsync(own);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private async Task RetriedAfterTheBackoffAsync(PairFixture own)
    {
        var pair = await own.PairAsync();
        var (slack, teams) = await ConnectAsync(pair.Coordinator, pair.ProgramId, receiver);
        receiver.FailNext(slack, 1);
        Task<OutboundRun> PassAsync() => own.WithScopeAsync(s => s.GetRequiredService<HttpOutbox>().DeliverDueAsync());

        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Trip on Friday", "Meet at the gate at 9.");

        Assert.Equal(HttpStatusCode.InternalServerError, Assert.Single(receiver.To(slack)).Answer);
        Assert.Single(receiver.To(teams));
        // Not due before the first backoff (1 minute).
        own.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await PassAsync()).Claimed);

        own.Clock.Advance(TimeSpan.FromSeconds(31));
        var run = await PassAsync();
        Assert.Equal((1, 1), (run.Claimed, run.Sent));
        var posts = receiver.To(slack);
        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.OK], posts.Select(p => p.Answer));
        Assert.Equal(posts[0].Body, posts[1].Body); // the very same post
        CheckSlack(posts[1]);

        own.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await PassAsync()).Claimed);
        Assert.Equal(2, receiver.To(slack).Count);
        Assert.Single(receiver.To(teams));
    }

    [Fact]
    public void MarkdownIsRenderedWithOnlyItsOwnTagsAndWebhookAddressesAreHttpsUnlessTheTestSettingAllowsLoopback()
    {
        var html = SafeMarkdown.ToHtml("# Hi <b>there</b>\n\n<img src=x onerror=alert(1)> [click](javascript:alert(1)) *it* `<i>`\n1. one\n2. two");
        // Markdig since 2026-12-05 (ADR 55): the writer's tags are text, a javascript: link keeps only its label.
        Assert.Equal("<h4>Hi &lt;b&gt;there&lt;/b&gt;</h4>\n<p>&lt;img src=x onerror=alert(1)&gt; click <em>it</em> <code>&lt;i&gt;</code></p>\n<ol>\n<li>one</li>\n<li>two</li>\n</ol>", html);
        Assert.False(WebhookAddress.Check("url", "http://127.0.0.1:5000/hook", allowLoopbackHttp: false).Succeeded);
        Assert.True(WebhookAddress.Check("url", "http://127.0.0.1:5000/hook", allowLoopbackHttp: true).Succeeded);
        Assert.False(WebhookAddress.Check("url", "http://example.org/hook", allowLoopbackHttp: true).Succeeded);
        Assert.True(WebhookAddress.Check("url", "https://hooks.slack.com/services/T0/B0/abc", allowLoopbackHttp: false).Succeeded);
    }

    [Fact]
    public async Task ARefusedAnnouncementComesBackForTheAudienceChosenWithoutTheChannelsAndNothingIsPosted()
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/announcements";

        // A title of spaces (or a long body whose line breaks the form posts twice): refused, with the mentors still chosen.
        var refused = await pages.SubmitAsync(page, "announce", [new("title", "   "), new("body", "Mentors only: the rota for May."), new("audience", "Mentors")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var form = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Equal("Mentors", ((AngleSharp.Html.Dom.IHtmlSelectElement)form.QuerySelector("#audience")!).Value);
        Assert.False(((AngleSharp.Html.Dom.IHtmlInputElement)form.QuerySelector("#channels")!).IsChecked);
        Assert.Equal("Mentors only: the rota for May.", form.QuerySelector("#body")!.TextContent);
        Assert.DoesNotContain("the rota for May", await (await fixture.SignInAsync(pair.Mentee)).GetStringAsync($"/api/v1/programs/{pair.ProgramId}/announcements"));
    }

    [Fact]
    public async Task AnAudienceThePageCannotReadIsRefusedNotWidenedToEveryone()
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/announcements", "announce",
            [new("title", "Rota"), new("body", "Staff only: the rota for May."), new("audience", "Staff")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose who the announcement is for", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain("the rota for May", await (await fixture.SignInAsync(pair.Mentee)).GetStringAsync(Announcements(pair.ProgramId)));
    }
}
