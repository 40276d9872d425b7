using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Conversations;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Files;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;
using Tandem.Tests.Applications;
using Microsoft.AspNetCore.SignalR;

namespace Tandem.Tests.Conversations;

/// <summary>Issue 12 item 1: each relationship's conversation, for its members, live and without a live connection.</summary>
public sealed class ConversationTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3, 4];

    private static string Messages(Guid relationshipId) => $"/api/v1/relationships/{relationshipId}/conversation";

    private static async Task<MessageView> SendAsync(HttpClient client, Guid relationshipId, string body, Guid? clientMessageId = null)
    {
        var response = await client.PostAsJsonAsync($"{Messages(relationshipId)}/messages", new { body, clientMessageId });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<MessageView>(Json.Options))!;
    }

    [Fact]
    public async Task PartnersExchangeMessagesWithUnreadCountsAndSeeWhatTheOtherHasRead()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);

        var empty = await mentor.GetFromJsonAsync<MessagePage>(Messages(pair.RelationshipId), Json.Options);
        Assert.Empty(empty!.Items);
        Assert.True(empty.CanSend);

        var first = await SendAsync(mentee, pair.RelationshipId, "Hi! Are you free on Tuesday?");
        var second = await SendAsync(mentee, pair.RelationshipId, "See https://example.org/map for the library.");
        Assert.Equal((1L, 2L), (first.Number, second.Number));
        Assert.Equal(("Hi! Are you free on Tuesday?", pair.Mentee.Id, "Menna Tee"), (first.Body, first.SenderUserId, first.SenderName));

        var mentorsList = await mentor.GetFromJsonAsync<Paged<ConversationSummary>>("/api/v1/me/conversations", Json.Options);
        var summary = Assert.Single(mentorsList!.Items);
        Assert.Equal((pair.RelationshipId, 2, 2L, "Menna Tee"), (summary.RelationshipId, summary.Unread, summary.LatestNumber, summary.LatestSenderName));
        Assert.Equal(["Menna Tee"], summary.With);
        Assert.Equal("See https://example.org/map for the library.", summary.LatestPreview);
        // Their own messages are not unread for the sender.
        Assert.Equal(0, Assert.Single((await mentee.GetFromJsonAsync<Paged<ConversationSummary>>("/api/v1/me/conversations", Json.Options))!.Items).Unread);

        var read = await mentor.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/read", new { upTo = 2 });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(0, Assert.Single((await mentor.GetFromJsonAsync<Paged<ConversationSummary>>("/api/v1/me/conversations", Json.Options))!.Items).Unread);
        // Read state only moves forward, and cannot point past the last message.
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/read", new { upTo = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentor.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/read", new { upTo = 3 })).StatusCode);

        var menteesView = await mentee.GetFromJsonAsync<MessagePage>(Messages(pair.RelationshipId), Json.Options);
        Assert.Equal([1L, 2L], menteesView!.Items.Select(m => m.Number));
        Assert.Equal(2L, menteesView.Members.Single(m => m.UserId == pair.Mentor.Id).LastReadNumber);

        // The page: both messages, the address as a safe link, "Seen by" the mentor, and the unread count beside the match.
        var page = WebUtility.HtmlDecode(await mentee.GetStringAsync($"/relationships/{pair.RelationshipId}/messages"));
        Assert.Contains("Hi! Are you free on Tuesday?", page);
        Assert.Contains("<a href=\"https://example.org/map\" rel=\"noopener noreferrer nofollow ugc\" target=\"_blank\">https://example.org/map</a>", page);
        Assert.Contains("Seen by Mona Tor", page);
        await SendAsync(mentor, pair.RelationshipId, "Tuesday works.");
        Assert.Contains("Messages (1 unread)", await mentee.GetStringAsync("/my/relationships"));
        // Opening the conversation reads it.
        await mentee.GetStringAsync($"/relationships/{pair.RelationshipId}/messages");
        Assert.DoesNotContain("unread", await mentee.GetStringAsync("/my/relationships"));
    }

    [Fact]
    public async Task ARetryWithTheSameClientIdStoresOneMessageAndSimultaneousMessagesGetTheirOwnNumbers()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var clientId = Guid.NewGuid();

        var once = await SendAsync(mentee, pair.RelationshipId, "Only once, please", clientId);
        var again = await SendAsync(mentee, pair.RelationshipId, "Only once, please", clientId);
        Assert.Equal(once.Id, again.Id);

        var sends = Enumerable.Range(0, 12).Select(i => SendAsync(i % 2 == 0 ? mentee : mentor, pair.RelationshipId, $"at once {i}")).ToList();
        await Task.WhenAll(sends);
        var all = await mentor.GetFromJsonAsync<MessagePage>($"{Messages(pair.RelationshipId)}?limit=100", Json.Options);
        Assert.Equal(Enumerable.Range(1, 13).Select(n => (long)n), all!.Items.Select(m => m.Number));
        Assert.Single(all.Items, m => m.Body == "Only once, please");
        Assert.Equal(12, all.Items.Count(m => m.Body.StartsWith("at once ")));
    }

    [Fact]
    public async Task AReaderScrollsBackAndCatchesUpByNumberWithoutGapsOrRepeats()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        for (var i = 1; i <= 7; i++)
        {
            await SendAsync(mentee, pair.RelationshipId, $"message {i}");
        }

        var newest = await mentee.GetFromJsonAsync<MessagePage>($"{Messages(pair.RelationshipId)}?limit=3", Json.Options);
        Assert.Equal([5L, 6L, 7L], newest!.Items.Select(m => m.Number));
        Assert.True(newest.HasOlder);
        Assert.False(newest.HasNewer);
        var older = await mentee.GetFromJsonAsync<MessagePage>($"{Messages(pair.RelationshipId)}?limit=3&before=5", Json.Options);
        Assert.Equal([2L, 3L, 4L], older!.Items.Select(m => m.Number));
        var catchUp = await mentee.GetFromJsonAsync<MessagePage>($"{Messages(pair.RelationshipId)}?after=3&limit=2", Json.Options);
        Assert.Equal([4L, 5L], catchUp!.Items.Select(m => m.Number));
        Assert.True(catchUp.HasNewer);
        Assert.Empty((await mentee.GetFromJsonAsync<MessagePage>($"{Messages(pair.RelationshipId)}?after=7", Json.Options))!.Items);

        foreach (var bad in new[] { "?limit=0", "?limit=101", "?before=0", "?after=-1", "?before=3&after=1", "?after=x" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await mentee.GetAsync(Messages(pair.RelationshipId) + bad)).StatusCode);
        }
        var tooLong = await mentee.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/messages", new { body = new string('a', Message.BodyMax + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var nothing = await mentee.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/messages", new { body = "   " });
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        Assert.Contains("Write a message or attach a file.", await nothing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NobodyOutsideThePairReadsOrWritesItsConversationAndCoordinatorsCannotReviewAdultsMessages()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var sent = await SendAsync(mentee, pair.RelationshipId, "Private to us");
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var stranger = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Sam Stranger"));

        foreach (var outsider in new[] { other, stranger })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(Messages(pair.RelationshipId))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/messages", new { body = "hello?" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/relationships/{pair.RelationshipId}/messages")).StatusCode);
            Assert.Empty((await outsider.GetFromJsonAsync<Paged<ConversationSummary>>("/api/v1/me/conversations", Json.Options))!.Items);
        }
        // The coordinator sees the pair but not its messages; a review is refused for two adults, and nothing is logged.
        var coordinator = pair.Coordinator;
        var refused = await coordinator.GetAsync(Messages(pair.RelationshipId));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("Private to us", await refused.Content.ReadAsStringAsync());
        var review = await coordinator.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/review", new { reason = "Checking in on how the pair is doing." });
        Assert.Equal(HttpStatusCode.Forbidden, review.StatusCode);
        Assert.Contains("between adults", await review.Content.ReadAsStringAsync());
        var reviewPage = await coordinator.GetAsync($"/relationships/{pair.RelationshipId}/messages/review");
        Assert.Equal(HttpStatusCode.Forbidden, reviewPage.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/relationships/{pair.RelationshipId}/messages/review")).StatusCode);
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().CountAsync(e => e.RecordId == pair.RelationshipId)));

        // Only members send: the coordinator cannot write in the pair's name either.
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/messages", new { body = "From the office" })).StatusCode);
        Assert.Equal(sent.Number, (await mentee.GetFromJsonAsync<MessagePage>(Messages(pair.RelationshipId), Json.Options))!.LatestNumber);
    }

    [Fact]
    public async Task APausedOrEndedRelationshipsConversationCanBeReadButNotWrittenTo()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await SendAsync(mentee, pair.RelationshipId, "Before the pause");
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Paused" })).EnsureSuccessStatusCode();

        var refused = await mentee.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/messages", new { body = "During the pause" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("paused", await refused.Content.ReadAsStringAsync());
        var page = await mentee.GetFromJsonAsync<MessagePage>(Messages(pair.RelationshipId), Json.Options);
        Assert.Equal(["Before the pause"], page!.Items.Select(m => m.Body));
        Assert.False(page.CanSend);
        var html = WebUtility.HtmlDecode(await mentee.GetStringAsync($"/relationships/{pair.RelationshipId}/messages"));
        Assert.Contains("This relationship is paused", html);
        Assert.DoesNotContain("name=\"body\"", html);
    }

    [Fact]
    public async Task AnAttachmentIsCheckedStoredOutsideTheRowAndServedOnlyToMembersAsADownload()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var token = await PageClient.AntiforgeryTokenAsync(mentee, $"/relationships/{pair.RelationshipId}/messages");

        async Task<HttpResponseMessage> UploadAsync(byte[] bytes, string name, string type, bool withToken = true)
        {
            var form = new MultipartFormDataContent { { new StringContent("My drawing"), "body" } };
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(file, "file", name);
            var request = new HttpRequestMessage(HttpMethod.Post, $"{Messages(pair.RelationshipId)}/attachments") { Content = form };
            if (withToken)
            {
                request.Headers.Add("RequestVerificationToken", token);
            }
            return await mentee.SendAsync(request);
        }

        // A signed-in browser's multipart post needs the antiforgery token (another site's form cannot send one).
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await UploadAsync(Png, "drawing.png", "image/png", withToken: false)).StatusCode);
        var stored = await UploadAsync(Png, "../../drawing.png", "image/png");
        Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
        var message = (await stored.Content.ReadFromJsonAsync<MessageView>(Json.Options))!;
        Assert.Equal(("drawing.png", "image/png", (long)Png.Length), (message.Attachment!.Name, message.Attachment.ContentType, message.Attachment.Size));

        var download = await mentor.GetAsync(message.Attachment.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await pair.Coordinator.GetAsync(message.Attachment.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(pair.OtherMentee)).GetAsync(message.Attachment.Url)).StatusCode);

        // The bytes are in the file store's own table, not in the message's row (so every node serves them).
        var key = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Message>().Where(m => m.Id == message.Id).Select(m => m.AttachmentKey).SingleAsync());
        var storedBytes = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Infrastructure.Files.StoredFile>().Where(f => f.Key == key).Select(f => f.Content).SingleAsync());
        Assert.Equal(Png, storedBytes);

        // A page pretending to be a picture, and a file over 5 MB, are refused with the reason; nothing is stored.
        var html = await UploadAsync("<html><script>alert(1)</script></html>"u8.ToArray().Prepend((byte)0).ToArray(), "cat.png", "image/png");
        Assert.Equal(HttpStatusCode.BadRequest, html.StatusCode);
        Assert.Contains("is not a PNG or JPEG picture, a PDF, or a plain-text file", await html.Content.ReadAsStringAsync());
        var big = new byte[AttachmentPolicy.MaxBytes + 1];
        Png.CopyTo(big, 0);
        var tooBig = await UploadAsync(big, "huge.png", "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal(1L, (await mentor.GetFromJsonAsync<MessagePage>(Messages(pair.RelationshipId), Json.Options))!.LatestNumber);
        Assert.Equal(1, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Infrastructure.Files.StoredFile>().CountAsync(f => f.Key == key)));
    }

    [Fact]
    public async Task AnUploadFromSomeoneOutsideThePairIsRefusedBeforeItIsRead()
    {
        var pair = await fixture.PairAsync();
        var stranger = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Sid Stranger"));
        async Task<HttpResponseMessage> UploadAsync(HttpClient client)
        {
            // Announced over the limit and the form's slack: looked at, it is refused for its size (413); within the
            // limit, the old order read and buffered it before answering 404, which no status shows.
            var file = new ByteArrayContent(new byte[AttachmentPolicy.MaxBytes + Tandem.Infrastructure.Input.UploadForms.Slack + 1]);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            var request = new HttpRequestMessage(HttpMethod.Post, $"{Messages(pair.RelationshipId)}/attachments") { Content = new MultipartFormDataContent { { file, "file", "big.png" } } };
            request.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(client, "/account/password"));
            return await client.SendAsync(request);
        }

        var fromStranger = await UploadAsync(stranger);
        Assert.Equal(HttpStatusCode.NotFound, fromStranger.StatusCode);
        Assert.Contains("No conversation with this id is visible to you.", await fromStranger.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(pair.Coordinator)).StatusCode);
    }

    [Fact]
    public async Task AReadMarkerFromAnOlderTabDoesNotMoveTheReadStateBack()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        foreach (var body in new[] { "One", "Two", "Three" })
        {
            await SendAsync(mentee, pair.RelationshipId, body);
        }
        (await mentor.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/read", new { upTo = 1 })).EnsureSuccessStatusCode();

        // One tab read the marker at 1; another moves it to 3 before the first saves its 2.
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        Assert.Equal(1L, (await db.Set<ConversationReadState>().SingleAsync(s => s.RelationshipId == pair.RelationshipId && s.UserId == pair.Mentor.Id)).LastReadNumber);
        (await mentor.PostAsJsonAsync($"{Messages(pair.RelationshipId)}/read", new { upTo = 3 })).EnsureSuccessStatusCode();
        var older = await scope.ServiceProvider.GetRequiredService<MarkConversationRead>().RunAsync(new Tandem.Infrastructure.Auth.Actor(pair.Mentor.Id, false), pair.RelationshipId, 2);

        Assert.Equal(3L, older.Value!.LastReadNumber);
        var seen = await mentee.GetFromJsonAsync<MessagePage>(Messages(pair.RelationshipId), Json.Options);
        Assert.Equal(3L, seen!.Members.Single(m => m.UserId == pair.Mentor.Id).LastReadNumber);
    }

    [Fact]
    public async Task AnAttachmentsBodyWithANulCharacterIsRefusedNamingTheFieldAndNothingIsSent()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var token = await PageClient.AntiforgeryTokenAsync(mentee, $"/relationships/{pair.RelationshipId}/messages");
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var form = new MultipartFormDataContent { { new StringContent("hi\0"), "body" }, { file, "file", "drawing.png" } };
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Messages(pair.RelationshipId)}/attachments") { Content = form };
        request.Headers.Add("RequestVerificationToken", token);

        // PostgreSQL cannot store a NUL (a 500 there); SQLite kept it. Either way the API answers 400 naming the field (ADR 112).
        var sent = await mentee.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, sent.StatusCode);
        Assert.NotNull(System.Text.Json.Nodes.JsonNode.Parse(await sent.Content.ReadAsStringAsync())!["errors"]!["body"]);
        Assert.Empty((await mentee.GetFromJsonAsync<MessagePage>(Messages(pair.RelationshipId), Json.Options))!.Items);
    }

    [Fact]
    public async Task AnAttachmentWithALongNameEndingInEmojiIsSentWithItsNameCutBetweenCharacters()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var token = await PageClient.AntiforgeryTokenAsync(mentee, $"/relationships/{pair.RelationshipId}/messages");
        // 209 UTF-16 units; cut at 200 the name ended in half an emoji, which PostgreSQL's driver could not encode (a 500).
        var name = new string('a', 195) + string.Concat(Enumerable.Repeat("😀", 5)) + ".txt";
        var file = new ByteArrayContent("notes\n"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var form = new MultipartFormDataContent { { file, "file", name } };
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Messages(pair.RelationshipId)}/attachments") { Content = form };
        request.Headers.Add("RequestVerificationToken", token);
        var sent = await mentee.SendAsync(request);
        Assert.True(sent.StatusCode == HttpStatusCode.Created, $"{(int)sent.StatusCode}: {await sent.Content.ReadAsStringAsync()}");
        var message = (await sent.Content.ReadFromJsonAsync<MessageView>(Json.Options))!;
        Assert.Equal(new string('a', 195) + ".txt", message.Attachment!.Name);
    }

    [Fact]
    public async Task ThePageSendsWithoutALiveConnectionAndARefusedMessageKeepsWhatWasTyped()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        var path = $"/relationships/{pair.RelationshipId}/messages";

        var sent = await mentee.SubmitAsync(path, "send", [new("body", "Sent from the form"), new("clientMessageId", Guid.NewGuid().ToString())], multipart: true);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("Sent from the form", await mentee.Http.GetStringAsync(path));

        var typed = new string('x', Message.BodyMax + 1);
        var refused = await mentee.SubmitAsync(path, "send", [new("body", typed)], multipart: true);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("at most 4,000 characters", html);
        Assert.Contains(typed, html);
    }

    [Fact]
    public async Task AFollowerGetsEachNewMessageLiveAndOnlyMembersCanFollow()
    {
        var pair = await fixture.PairAsync();
        await using var mentor = await LiveClient.ConnectAsync(fixture.App, pair.Mentor);
        await mentor.Connection.InvokeAsync("Follow", pair.RelationshipId);

        var sent = await SendAsync(await fixture.SignInAsync(pair.Mentee), pair.RelationshipId, "Live hello");
        var arrived = await mentor.NextMessageAsync();
        Assert.Equal((sent.Id, sent.Number, "Live hello", "Menna Tee"), (arrived.Id, arrived.Number, arrived.Body, arrived.SenderName));

        await using var outsider = await LiveClient.ConnectAsync(fixture.App, pair.OtherMentee);
        var refused = await Assert.ThrowsAsync<HubException>(() => outsider.Connection.InvokeAsync("Follow", pair.RelationshipId));
        Assert.Contains("No conversation with this id is visible to you.", refused.Message);
    }

    [Fact]
    public async Task AnOpenLiveConnectionIsClosedWhenItsSessionEndsAndIsSentNothingAfter()
    {
        var pair = await fixture.PairAsync();
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        var interval = TimeSpan.FromSeconds(5);
        await using var app = fixture.Tandem.WithClock(clock, b => b.UseSetting("Conversations:SessionCheckInterval", interval.ToString()));
        var mentee = await app.SignedInClientAsync(pair.Mentee);
        await using var mentor = await LiveClient.ConnectAsync(app, pair.Mentor, HttpTransportType.WebSockets);
        await mentor.Connection.InvokeAsync("Follow", pair.RelationshipId);
        await SendAsync(mentee, pair.RelationshipId, "Before you sign out");
        Assert.Equal("Before you sign out", (await mentor.NextMessageAsync()).Body);

        // The mentor signs out in another tab; the socket opened before stays a single request, never checked again by itself.
        Assert.Equal(HttpStatusCode.NoContent, await mentor.SignOutAsync());
        clock.Advance(interval);

        await mentor.ClosedAsync();
        await SendAsync(mentee, pair.RelationshipId, "After you signed out");
        Assert.False(mentor.HasUnreadMessage);

        // An account disabled while its connection is open cannot follow a conversation with it, and the connection closes.
        await using var menteeLive = await LiveClient.ConnectAsync(app, pair.Mentee, HttpTransportType.WebSockets);
        var admin = await app.SignedInClientAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/users/{pair.Mentee.Id}/disable", Json.Empty())).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => menteeLive.Connection.InvokeAsync("Follow", pair.RelationshipId));
        await menteeLive.ClosedAsync();
    }

    [Fact]
    public async Task ACoordinatorsSafeguardingReviewOfAMinorsConversationIsRecordedWithItsReasonBeforeAnythingIsShown()
    {
        var pair = await fixture.PairAsync();
        await MakeMinorAsync(pair.Mentee);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await SendAsync(mentee, pair.RelationshipId, "Can we meet outside school?");
        var review = $"{Messages(pair.RelationshipId)}/review";

        var noReason = await pair.Coordinator.PostAsJsonAsync(review, new { reason = "because" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Empty(await EntriesAboutAsync(pair.Mentee.Id));
        // A member cannot review their own pair's conversation as if they were staff.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await fixture.SignInAsync(pair.Mentor)).PostAsJsonAsync(review, new { reason = "I want to read it all again." })).StatusCode);

        const string reason = "Concern reported on 3 March about contact outside the program.";
        var read = await pair.Coordinator.PostAsJsonAsync(review, new { reason });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var page = (await read.Content.ReadFromJsonAsync<MessagePage>(Json.Options))!;
        Assert.Equal(["Can we meet outside school?"], page.Items.Select(m => m.Body));
        Assert.False(page.CanSend);
        var entry = Assert.Single(await EntriesAboutAsync(pair.Mentee.Id));
        Assert.Equal((pair.School.Coordinator.Id, AuditRecord.Messages, (Guid?)pair.RelationshipId, ReviewConversation.PurposePrefix + reason),
            (entry.ActorUserId, entry.Record, entry.RecordId, entry.Purpose));
        // The adult mentor's side is not logged (the log is about minors' records); the minor sees who read and why.
        Assert.Empty(await EntriesAboutAsync(pair.Mentor.Id));
        var log = WebUtility.HtmlDecode(await mentee.GetStringAsync("/my/access-log"));
        Assert.Contains("Your messages (a safeguarding review)", log);
        Assert.Contains(reason, log);

        // The review page: the form first, the messages only after a reason, each read logged once more.
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var form = await pages.Http.GetStringAsync($"/relationships/{pair.RelationshipId}/messages/review");
        Assert.DoesNotContain("Can we meet outside school?", form);
        var shown = await pages.SubmitAsync($"/relationships/{pair.RelationshipId}/messages/review", "review", [new("reason", reason)]);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("Can we meet outside school?", await shown.Content.ReadAsStringAsync());
        Assert.Equal(2, (await EntriesAboutAsync(pair.Mentee.Id)).Count);
    }

    private Task<List<AuditEntry>> EntriesAboutAsync(Guid subject) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().Where(e => e.SubjectUserId == subject).ToListAsync());

    /// <summary>The person becomes a minor as the app knows one: they gave an age under 18 on an application in a school that includes minors.</summary>
    private async Task MakeMinorAsync(UserSummary person) =>
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, await fixture.Tandem.SignedInClientAsync(person));
}

/// <summary>Issue 12 item 1 with issue 18: two app nodes share the live connections through a real Redis.</summary>
public sealed class ConversationBackplaneTests(PairFixture fixture) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private readonly RedisServer redis = new();

    public Task InitializeAsync() => redis.InitializeAsync();

    public Task DisposeAsync() => redis.DisposeAsync();

    [Fact]
    public async Task AMessageWrittenThroughOneNodeReachesAFollowerConnectedToTheOtherThroughRedis()
    {
        var pair = await fixture.PairAsync();
        await using var nodeA = fixture.Tandem.WithClock(fixture.Clock, b => b.UseSetting("ConnectionStrings:Redis", redis.ConnectionString));
        await using var nodeB = fixture.Tandem.WithClock(fixture.Clock, b => b.UseSetting("ConnectionStrings:Redis", redis.ConnectionString));

        await using var mentorOnA = await LiveClient.ConnectAsync(nodeA, pair.Mentor);
        await mentorOnA.Connection.InvokeAsync("Follow", pair.RelationshipId);
        var menteeOnB = await nodeB.SignedInClientAsync(pair.Mentee);
        var response = await menteeOnB.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/conversation/messages", new { body = "Sent through node B" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var arrived = await mentorOnA.NextMessageAsync();
        Assert.Equal(("Sent through node B", 1L), (arrived.Body, arrived.Number));
    }
}

/// <summary>A signed-in SignalR client of the conversation hub, collecting the messages it is sent.</summary>
internal sealed class LiveClient : IAsyncDisposable
{
    private readonly Channel<MessageView> messages = Channel.CreateUnbounded<MessageView>();
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpClient http;
    private readonly string cookie;

    private LiveClient(HubConnection connection, HttpClient http, string cookie)
    {
        Connection = connection;
        this.http = http;
        this.cookie = cookie;
        connection.On<MessageView>("message", m => messages.Writer.TryWrite(m));
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>
    /// Signed in as <paramref name="user"/> over long polling (each poll is an HTTP request, checked as every request is)
    /// or over a WebSocket (one request, kept open), as a browser connects.
    /// </summary>
    public static async Task<LiveClient> ConnectAsync(WebApplicationFactory<Program> app, UserSummary user, HttpTransportType transport = HttpTransportType.LongPolling)
    {
        // Sign in as a browser does and keep the cookie for the connection's requests.
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var signIn = await http.PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, Password = TandemFactory.Password });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        var cookie = string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, "/hubs/conversations"), o =>
            {
                o.HttpMessageHandlerFactory = _ => app.Server.CreateHandler();
                o.Transports = transport;
                o.Headers["Cookie"] = cookie;
                // The test server's own WebSockets, with the cookie a browser would send on the upgrade request.
                o.WebSocketFactory = async (context, ct) =>
                {
                    var sockets = app.Server.CreateWebSocketClient();
                    sockets.ConfigureRequest = request => request.Headers.Cookie = cookie;
                    return await sockets.ConnectAsync(context.Uri, ct);
                };
            })
            .Build();
        var client = new LiveClient(connection, http, cookie);
        await connection.StartAsync();
        return client;
    }

    /// <summary>Signs this connection's session out, as the browser's other tab would.</summary>
    public async Task<HttpStatusCode> SignOutAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-out") { Content = Json.Empty() };
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Waits until the server closes the connection (a test whose connection stays open fails after half a minute).</summary>
    public Task ClosedAsync() => closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Whether a message arrived that no test has read yet.</summary>
    public bool HasUnreadMessage => messages.Reader.TryPeek(out _);

    /// <summary>The next message sent to this client (a test that gets none fails after a generous minute, never passes).</summary>
    public async Task<MessageView> NextMessageAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await messages.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
