using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Events;
using Tandem.Features.Exports;
using Tandem.Features.Integrations;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Applications;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Integrations;

/// <summary>The pair fixture with the WhatsApp Cloud API's base address pointed at a local receiver (and every own-clock app with it).</summary>
public sealed class WhatsAppFixture : PairFixture, IAsyncLifetime
{
    public WebhookReceiver Graph { get; private set; } = default!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        Graph = await WebhookReceiver.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Graph.DisposeAsync();
    }

    protected override void ConfigureApp(IWebHostBuilder builder) => builder.UseSetting("Integrations:WhatsApp:GraphBaseUrl", Graph.BaseAddress);
}

/// <summary>
/// Issue 12 item 4, WhatsApp (ADR 69): a program's announcements and event reminders reach the participants who opted in
/// with their number, as approved template messages in the Cloud API's documented shape, through the outbound outbox (a
/// real local receiver stands in for graph.facebook.com); opt-out stops them at once; numbers are their owners' alone;
/// nothing private leaves.
/// </summary>
public sealed class WhatsAppTests(WhatsAppFixture fixture) : IClassFixture<WhatsAppFixture>
{
    private const string Token = "EAAGtesttokenNEVERSHOWN0123456789";
    private const string MenteeNumber = "+447700900123";
    private const string MentorNumber = "+447700900456";

    private WebhookReceiver Graph => fixture.Graph;

    private static string Settings(Guid programId) => $"/api/v1/programs/{programId}/whatsapp";

    /// <summary>A fresh phone-number id per program, so each test reads only its own messages from the shared receiver.</summary>
    private static string NewPhoneNumberId() => Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString();

    private string MessagesUrl(string phoneNumberId) => $"{Graph.BaseAddress}/v23.0/{phoneNumberId}/messages";

    private static async Task<string> ConnectAsync(HttpClient coordinator, Guid programId)
    {
        var phone = NewPhoneNumberId();
        var response = await coordinator.PutAsJsonAsync(Settings(programId), new
        {
            phoneNumberId = phone, accessToken = Token, announcementTemplate = "tandem_announcement", reminderTemplate = "tandem_event_reminder", languageCode = "en_GB",
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.DoesNotContain(Token, body);
        return phone;
    }

    private static async Task<HttpResponseMessage> OptInAsync(HttpClient client, string? number, params Guid[] programIds) =>
        await client.PutAsJsonAsync("/api/v1/me/whatsapp", new { number, programIds });

    private Task<OutboundRun> DeliverAsync(PairFixture app) => app.WithScopeAsync(s => s.GetRequiredService<HttpOutbox>().DeliverDueAsync());

    private static async Task AnnounceAsync(HttpClient coordinator, Guid programId, string title, string body, string audience = "Everyone")
    {
        var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/announcements", new { title, body, audience });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The Cloud API's template message: messaging_product, recipient_type, to (digits), type=template, the template's name, language and body parameters.</summary>
    private static (string To, string Name, string Language, List<string> Parameters) CheckTemplate(WebhookReceiver.ReceivedPost post)
    {
        Assert.StartsWith("application/json", post.ContentType);
        Assert.Equal($"Bearer {Token}", post.Headers["Authorization"]);
        var json = JsonNode.Parse(post.Body)!.AsObject();
        Assert.Equal(["messaging_product", "recipient_type", "to", "type", "template"], json.Select(p => p.Key));
        Assert.Equal("whatsapp", json["messaging_product"]!.GetValue<string>());
        Assert.Equal("individual", json["recipient_type"]!.GetValue<string>());
        Assert.Equal("template", json["type"]!.GetValue<string>());
        var to = json["to"]!.GetValue<string>();
        Assert.Matches("^[1-9][0-9]{7,14}$", to);
        var template = json["template"]!.AsObject();
        Assert.Equal(["name", "language", "components"], template.Select(p => p.Key));
        var component = Assert.Single(template["components"]!.AsArray())!;
        Assert.Equal("body", component["type"]!.GetValue<string>());
        var parameters = component["parameters"]!.AsArray().Select(p =>
        {
            Assert.Equal("text", p!["type"]!.GetValue<string>());
            var text = p["text"]!.GetValue<string>();
            Assert.DoesNotMatch(@"[\n\t]|\s{5,}", text); // the Cloud API refuses new lines, tabs and runs of spaces (132018)
            Assert.InRange(text.Length, 1, 200);
            return text;
        }).ToList();
        return (to, template["name"]!.GetValue<string>(), template["language"]!["code"]!.GetValue<string>(), parameters);
    }

    [Fact]
    public async Task OnlyParticipantsWhoOptedInGetAnAnnouncementAsAnApprovedTemplateWithNothingPrivate()
    {
        var pair = await fixture.PairAsync();
        var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);

        // The mentee opts in (spaces in the number are fine); the mentor gives a number but opts in to nothing; the other mentee does nothing.
        var opted = await OptInAsync(mentee, "+44 7700 900123", pair.ProgramId);
        Assert.True(opted.IsSuccessStatusCode, await opted.Content.ReadAsStringAsync());
        var mine = (await opted.Content.ReadFromJsonAsync<MyWhatsAppView>(Json.Options))!;
        Assert.Equal(MenteeNumber, mine.Number);
        Assert.True(Assert.Single(mine.Programs).OptedIn);
        (await OptInAsync(mentor, MentorNumber)).EnsureSuccessStatusCode();

        // Private words the pair wrote: none may leave through WhatsApp.
        (await mentor.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins",
            new { happened = true, topics = "PRIVATECHECKIN about home", occurredAt = fixture.Clock.GetUtcNow().UtcDateTime.AddDays(-1) })).EnsureSuccessStatusCode();
        (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/conversation/messages", new { body = "PRIVATEMESSAGE see you" })).EnsureSuccessStatusCode();
        (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns",
            new { category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = "PRIVATECONCERN he shouted at me" })).EnsureSuccessStatusCode();

        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Reading day",
            "Bring a **favourite book** on Friday.\n\n- Hall B\n- 3 pm\n\n" + string.Join(" ", Enumerable.Repeat("More details follow in the app.", 20)));
        Assert.Empty(Graph.To(MessagesUrl(phone))); // queued with the announcement, sent by the outbox
        var run = await DeliverAsync(fixture);
        Assert.True(run.Sent >= 1);

        var post = Assert.Single(Graph.To(MessagesUrl(phone)));
        var (to, name, language, parameters) = CheckTemplate(post);
        Assert.Equal(MenteeNumber[1..], to);
        Assert.Equal(("tandem_announcement", "en_GB"), (name, language));
        Assert.Equal(3, parameters.Count);
        Assert.Equal("Reading Buddies", parameters[0]);
        Assert.Equal("Reading day", parameters[1]);
        Assert.StartsWith("Bring a favourite book on Friday.", parameters[2]);
        Assert.InRange(parameters[2].Length, 1, WhatsAppPayloads.ShortTextMax);
        foreach (var secret in new[] { "PRIVATECHECKIN", "PRIVATEMESSAGE", "PRIVATECONCERN", MentorNumber[1..], pair.Mentor.DisplayName, pair.Mentee.Email })
        {
            Assert.DoesNotContain(secret, post.Body);
        }

        // A later pass sends nothing more; the coordinators see how many opted in and what was sent, never who or their numbers.
        Assert.Equal(0, (await DeliverAsync(fixture)).Claimed);
        var settings = await pair.Coordinator.GetStringAsync(Settings(pair.ProgramId));
        var view = JsonNode.Parse(settings)!;
        Assert.Equal((1, 1, true), (view["optedIn"]!.GetValue<int>(), view["messagesSent"]!.GetValue<int>(), view["tokenSet"]!.GetValue<bool>()));
        Assert.DoesNotContain(Token, settings);
        Assert.DoesNotContain("7700900", settings);
        // The mentor reads only their own settings.
        var mentorsOwn = await mentor.GetStringAsync("/api/v1/me/whatsapp");
        Assert.Contains("7700900456", mentorsOwn);
        Assert.DoesNotContain("7700900123", mentorsOwn);
    }

    [Fact]
    public async Task OptingOutStopsMessagesAtOnceEvenOnesAlreadyQueued()
    {
        var pair = await fixture.PairAsync();
        var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();

        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Queued before the opt-out", "Hello.");
        var optedOut = await mentee.PutAsJsonAsync("/api/v1/me/whatsapp", new { programIds = Array.Empty<Guid>() });
        Assert.False(Assert.Single((await optedOut.Content.ReadFromJsonAsync<MyWhatsAppView>(Json.Options))!.Programs).OptedIn);
        var run = await DeliverAsync(fixture);
        Assert.True(run.GaveUp >= 1);
        Assert.Empty(Graph.To(MessagesUrl(phone)));

        // Nothing is even queued for them now; opting in again brings the next one.
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "After the opt-out", "Hello again.");
        await DeliverAsync(fixture);
        Assert.Empty(Graph.To(MessagesUrl(phone)));
        (await OptInAsync(mentee, null, pair.ProgramId)).EnsureSuccessStatusCode();
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Opted in again", "Welcome back.");
        await DeliverAsync(fixture);
        Assert.Equal("Opted in again", CheckTemplate(Assert.Single(Graph.To(MessagesUrl(phone)))).Parameters[1]);

        // Removing the number opts out of everything.
        var removed = await OptInAsync(mentee, "");
        var view = (await removed.Content.ReadFromJsonAsync<MyWhatsAppView>(Json.Options))!;
        Assert.Null(view.Number);
        Assert.All(view.Programs, p => Assert.False(p.OptedIn));
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "After removing the number", "Hello.");
        await DeliverAsync(fixture);
        Assert.Single(Graph.To(MessagesUrl(phone)));
    }

    /// <summary>ADR 105: the consent gate and a disabled account are asked again at every attempt, not only when the message was queued.</summary>
    [Fact]
    public async Task AMessageQueuedBeforeAWithdrawalOrADisabledAccountIsGivenUpNotSent()
    {
        var pair = await fixture.PairAsync();
        var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();
        (await OptInAsync(mentor, MentorNumber, pair.ProgramId)).EnsureSuccessStatusCode();

        var title = $"Queued before {Guid.NewGuid():N}";
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, title, "Hello.");
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync("/api/v1/me/consents", new { programId = pair.ProgramId, purpose = "Program", give = false })).StatusCode);
        var disabled = await fixture.WithScopeAsync(s => s.GetRequiredService<DisableUser>().RunAsync(new Actor(Guid.NewGuid(), IsAdministrator: true), pair.Mentor.Id, true));
        Assert.Null(disabled.Failure);

        await DeliverAsync(fixture);
        Assert.Empty(Graph.To(MessagesUrl(phone)));
        var rows = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<OutboundPost>()
            .Where(p => p.ProgramId == pair.ProgramId && p.Target == OutboundTarget.WhatsApp)
            .Select(p => new { p.TargetId, p.SentAt, p.GaveUpAt, p.LastError }).ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal((null, true), (r.SentAt, r.GaveUpAt is not null)));
        Assert.Contains("consent", rows.Single(r => r.TargetId == pair.Mentee.Id).LastError);
        Assert.Contains("disabled", rows.Single(r => r.TargetId == pair.Mentor.Id).LastError);
    }

    /// <summary>ADR 105: the settings sent twice at once (removing the number, opting out) end as asked, not in a 500.</summary>
    [Fact]
    public async Task SettingsSentTwiceAtOnceEndAsAskedNotInAnError()
    {
        var pair = await fixture.PairAsync();
        await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var me = new Actor(pair.Mentee.Id, IsAdministrator: false);
        (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();

        // The first press removed the number (and with it the opt-ins) after the second had read them.
        var removed = await DeletedMeanwhile.RunAsync<ChangeMyWhatsApp, Tandem.Infrastructure.Problems.Outcome<MyWhatsAppView>>(fixture.Tandem, async db =>
            {
                await db.Set<WhatsAppOptIn>().Where(o => o.UserId == pair.Mentee.Id).ExecuteDeleteAsync();
                await db.Set<WhatsAppNumber>().Where(n => n.UserId == pair.Mentee.Id).ExecuteDeleteAsync();
            },
            u => u.RunAsync(me, new ChangeMyWhatsAppRequest { Number = "" }));
        Assert.Null(removed.Failure);
        Assert.Null(removed.Value!.Number);
        Assert.All(removed.Value.Programs, p => Assert.False(p.OptedIn));

        // Opting out while another press had already opted out.
        (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();
        var optedOut = await DeletedMeanwhile.RunAsync<ChangeMyWhatsApp, Tandem.Infrastructure.Problems.Outcome<MyWhatsAppView>>(fixture.Tandem,
            db => db.Set<WhatsAppOptIn>().Where(o => o.UserId == pair.Mentee.Id).ExecuteDeleteAsync(),
            u => u.RunAsync(me, new ChangeMyWhatsAppRequest { ProgramIds = [] }));
        Assert.Null(optedOut.Failure);
        Assert.Equal(MenteeNumber, optedOut.Value!.Number);
        Assert.False(Assert.Single(optedOut.Value.Programs).OptedIn);
    }

    /// <summary>A token no data-protection key can read (the keys were replaced) is given up at once, not claimed by every pass for ever.</summary>
    [Fact]
    public async Task AMessageWhoseTokenCannotBeReadIsGivenUpNotRetriedForEver()
    {
        var pair = await fixture.PairAsync();
        var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Unreadable token", "Hello.");
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ProgramWhatsApp>().Where(w => w.ProgramId == pair.ProgramId)
            .ExecuteUpdateAsync(u => u.SetProperty(w => w.ProtectedToken, "CfDJ8notaprotectedtoken")));

        await DeliverAsync(fixture);
        Assert.Empty(Graph.To(MessagesUrl(phone)));
        var row = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<OutboundPost>()
            .Where(p => p.ProgramId == pair.ProgramId && p.Target == OutboundTarget.WhatsApp).Select(p => new { p.GaveUpAt, p.ClaimedBy, p.LastError }).SingleAsync());
        Assert.NotNull(row.GaveUpAt);
        Assert.Null(row.ClaimedBy);
        Assert.Contains("could not be read", row.LastError);
    }

    [Fact]
    public async Task AnOptInOutlivesAProgramDisconnectedWhileTheParticipantChangesTheirNumber()
    {
        // The settings list only the connected programs and a save replaces the choices: a participant changing their
        // number while a coordinator was replacing the program's token lost their opt-in without being told.
        var pair = await fixture.PairAsync();
        await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();
        (await pair.Coordinator.PutAsJsonAsync(Settings(pair.ProgramId), new { accessToken = "" })).EnsureSuccessStatusCode();

        var changed = await OptInAsync(mentee, "+447700900999");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Empty((await changed.Content.ReadFromJsonAsync<MyWhatsAppView>(Json.Options))!.Programs);

        var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var view = (await mentee.GetFromJsonAsync<MyWhatsAppView>("/api/v1/me/whatsapp", Json.Options))!;
        Assert.Equal("+447700900999", view.Number);
        Assert.True(Assert.Single(view.Programs).OptedIn);
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Back again", "Hello.");
        await DeliverAsync(fixture);
        Assert.Equal("447700900999", CheckTemplate(Assert.Single(Graph.To(MessagesUrl(phone)))).To.TrimStart('+'));

        // Unticking it while it is shown still opts out.
        var optedOut = await OptInAsync(mentee, null);
        Assert.False(Assert.Single((await optedOut.Content.ReadFromJsonAsync<MyWhatsAppView>(Json.Options))!.Programs).OptedIn);
    }

    [Fact]
    public async Task BadNumbersAre422AndNobodyOptsInWhereTheyAreNotOrWithoutANumber()
    {
        var pair = await fixture.PairAsync();
        await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var other = await fixture.PairAsync();
        await ConnectAsync(other.Coordinator, other.ProgramId);
        var mentee = await fixture.SignInAsync(pair.Mentee);

        foreach (var bad in new[] { "07700900123", "+12", "+1234567890123456", "not a number", "+0447700900123", "++447700900123", "447700900123" })
        {
            var response = await OptInAsync(mentee, bad, pair.ProgramId);
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{bad}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["number"]);
        }
        Assert.Null((await mentee.GetFromJsonAsync<MyWhatsAppView>("/api/v1/me/whatsapp", Json.Options))!.Number);

        // No number yet: no opt-in. Another program's id (not theirs): refused, nothing changed.
        Assert.Equal(HttpStatusCode.BadRequest, (await OptInAsync(mentee, null, pair.ProgramId)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await OptInAsync(mentee, MenteeNumber, other.ProgramId)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await OptInAsync(mentee, MenteeNumber, Guid.NewGuid())).StatusCode);
        var view = (await mentee.GetFromJsonAsync<MyWhatsAppView>("/api/v1/me/whatsapp", Json.Options))!;
        Assert.Null(view.Number);
        Assert.Equal(pair.ProgramId, Assert.Single(view.Programs).ProgramId); // only their own program with WhatsApp

        // The program's settings: coordinators only (a mentee 403, strangers and other programs' coordinators 404).
        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync(Settings(pair.ProgramId))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PutAsJsonAsync(Settings(pair.ProgramId), new { accessToken = "x" })).StatusCode);
        foreach (var stranger in new[] { outsider, other.Coordinator })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(Settings(pair.ProgramId))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync(Settings(pair.ProgramId), new { phoneNumberId = "123456789" })).StatusCode);
        }
    }

    [Fact]
    public async Task TheTokenIsNeverReturnedAndBadAccountSettingsAreRefused()
    {
        var pair = await fixture.PairAsync();
        object[] bad =
        [
            new { phoneNumberId = "+447700900123" },
            new { phoneNumberId = "12" },
            new { announcementTemplate = "Tandem Announcement" },
            new { reminderTemplate = "reminder-1" },
            new { languageCode = "english" },
            new { accessToken = "too short" },
            new { accessToken = "a token with spaces in it that is long" },
        ];
        foreach (var request in bad)
        {
            var response = await pair.Coordinator.PutAsJsonAsync(Settings(pair.ProgramId), request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
        var empty = (await pair.Coordinator.GetFromJsonAsync<ProgramWhatsAppView>(Settings(pair.ProgramId), Json.Options))!;
        Assert.False(empty.Connected);
        Assert.False(empty.TokenSet);

        await ConnectAsync(pair.Coordinator, pair.ProgramId);
        var shown = await pair.Coordinator.GetStringAsync(Settings(pair.ProgramId));
        Assert.DoesNotContain(Token, shown);
        Assert.DoesNotContain("EAAG", shown);
        var view = JsonNode.Parse(shown)!;
        Assert.True(view["tokenSet"]!.GetValue<bool>());
        Assert.True(view["connected"]!.GetValue<bool>());
        // Stored encrypted: the token is not in the table either.
        var stored = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ProgramWhatsApp>().AsNoTracking().SingleAsync(w => w.ProgramId == pair.ProgramId));
        Assert.DoesNotContain(Token, stored.ProtectedToken!);

        // Changing a template keeps the token; "" clears it and the program is no longer connected (participants cannot opt in).
        var changed = await (await pair.Coordinator.PutAsJsonAsync(Settings(pair.ProgramId), new { announcementTemplate = "new_template" })).Content.ReadFromJsonAsync<ProgramWhatsAppView>(Json.Options);
        Assert.True(changed!.TokenSet);
        Assert.Equal("new_template", changed.AnnouncementTemplate);
        var cleared = await (await pair.Coordinator.PutAsJsonAsync(Settings(pair.ProgramId), new { accessToken = "" })).Content.ReadFromJsonAsync<ProgramWhatsAppView>(Json.Options);
        Assert.False(cleared!.TokenSet);
        Assert.False(cleared.Connected);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Empty((await mentee.GetFromJsonAsync<MyWhatsAppView>("/api/v1/me/whatsapp", Json.Options))!.Programs);
    }

    [Fact]
    public async Task A500IsRetriedAfterTheBackoffAndAGraph400IsRecordedAndGivenUpAtOnce()
    {
        var own = await fixture.WithOwnClockAsync();
        try
        {
            var pair = await own.PairAsync();
            var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);
            var url = MessagesUrl(phone);
            (await OptInAsync(await own.SignInAsync(pair.Mentee), MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();
            Graph.FailNext(url, 1);

            await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Trip on Friday", "Meet at the gate at 9.");
            var first = await DeliverAsync(own);
            Assert.Equal((1, 0, 1), (first.Claimed, first.Sent, first.Failed));
            own.Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(0, (await DeliverAsync(own)).Claimed); // not before the first backoff (1 minute)
            own.Clock.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(1, (await DeliverAsync(own)).Sent);
            var posts = Graph.To(url);
            Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.OK], posts.Select(p => p.Answer));
            Assert.Equal(posts[0].Body, posts[1].Body);

            // The Cloud API refuses the template (Graph error JSON, 400): recorded on the row, given up, never tried again.
            const string graphError = """{"error":{"message":"(#132001) Template name does not exist in the translation","type":"OAuthException","code":132001,"error_data":{"messaging_product":"whatsapp","details":"template name (tandem_announcement) does not exist in en_GB"},"fbtrace_id":"AbCdEf123"}}""";
            Graph.AnswerNext(url, HttpStatusCode.BadRequest, graphError);
            await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Refused template", "Hello.");
            var refused = await DeliverAsync(own);
            Assert.Equal((1, 0, 1), (refused.Claimed, refused.Sent, refused.GaveUp));
            own.Clock.Advance(TimeSpan.FromHours(6));
            Assert.Equal(0, (await DeliverAsync(own)).Claimed);
            Assert.Equal(3, Graph.To(url).Count);
            var row = await own.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<OutboundPost>().AsNoTracking()
                .Where(p => p.ProgramId == pair.ProgramId && p.Target == OutboundTarget.WhatsApp && p.GaveUpAt != null).SingleAsync());
            Assert.Contains("400", row.LastError);
            Assert.Contains("132001", row.LastError);
            Assert.Equal(1, row.Attempts);

            // Graph's throttling (code 130429, even with a 400) is worth another attempt after the backoff.
            Graph.AnswerNext(url, HttpStatusCode.BadRequest, """{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"fbtrace_id":"x"}}""");
            await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Throttled", "Hello.");
            Assert.Equal(1, (await DeliverAsync(own)).Failed);
            own.Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(1, (await DeliverAsync(own)).Sent);
            var view = (await pair.Coordinator.GetFromJsonAsync<ProgramWhatsAppView>(Settings(pair.ProgramId), Json.Options))!;
            Assert.Equal((2, 0, 1), (view.MessagesSent, view.MessagesWaiting, view.MessagesGivenUp));
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task EventRemindersGoToThoseGoingWhoOptedInWithOnlyTitleTimeAndPlace()
    {
        var own = await fixture.WithOwnClockAsync();
        try
        {
            var pair = await own.PairAsync();
            var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);
            var starts = own.Clock.GetUtcNow().UtcDateTime.AddHours(30);
            var created = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/events", new
            {
                kind = "Social", title = "Book swap evening", description = "PRIVATEDESCRIPTION bring a book", startsAt = starts, endsAt = starts.AddHours(2),
                timeZoneId = "Europe/London", place = "Hall B", videoLink = "https://meet.example.org/secret-room", audience = "Everyone", capacity = 10,
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var eventId = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            var mentee = await own.SignInAsync(pair.Mentee);
            var mentor = await own.SignInAsync(pair.Mentor);
            (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();
            (await OptInAsync(mentor, MentorNumber, pair.ProgramId)).EnsureSuccessStatusCode();
            (await mentee.PostAsJsonAsync($"/api/v1/events/{eventId}/rsvp", new { going = true })).EnsureSuccessStatusCode();
            (await mentor.PostAsJsonAsync($"/api/v1/events/{eventId}/rsvp", new { going = false })).EnsureSuccessStatusCode();

            own.Clock.Advance(TimeSpan.FromHours(7));
            await own.WithScopeAsync(s => s.GetRequiredService<SendEventReminders>().RunAsync());
            await own.WithScopeAsync(s => s.GetRequiredService<SendEventReminders>().RunAsync()); // a second pass queues nothing twice
            await DeliverAsync(own);

            var post = Assert.Single(Graph.To(MessagesUrl(phone)));
            var (to, name, _, parameters) = CheckTemplate(post);
            Assert.Equal((MenteeNumber[1..], "tandem_event_reminder"), (to, name));
            Assert.Equal(4, parameters.Count);
            Assert.Equal(["Reading Buddies", "Book swap evening"], parameters.Take(2));
            Assert.Contains("(Europe/London)", parameters[2]);
            Assert.Equal("Hall B, or online (the link is in Tandem)", parameters[3]);
            Assert.DoesNotContain("secret-room", post.Body);
            Assert.DoesNotContain("PRIVATEDESCRIPTION", post.Body);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task AMinorCannotOptInAndTheNumberIsInTheExportAndGoesWithErasure()
    {
        var pair = await fixture.PairAsync();
        var phone = await ConnectAsync(pair.Coordinator, pair.ProgramId);

        // A minor (an age under 18 given on an application) is told why and refused.
        var young = await fixture.Tandem.CreateUserAsync("Yara Young");
        var recruiting = await RecruitingProgram.CreateAsync(fixture.Tandem, await MinorsSchool.SchoolAsync(fixture.Tandem));
        var youngClient = await fixture.SignInAsync(young);
        (await youngClient.PostAsJsonAsync(recruiting.Applications,
            new { role = "mentee", acceptsCodeOfConduct = true, age = 15, guardianName = "Pat Parent", guardianEmail = "pat@example.org", submit = true })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await OptInAsync(youngClient, MenteeNumber)).StatusCode);
        var youngView = (await youngClient.GetFromJsonAsync<MyWhatsAppView>("/api/v1/me/whatsapp", Json.Options))!;
        Assert.False(youngView.CanOptIn);
        Assert.Contains("18", youngView.WhyNot);
        Assert.Contains("18", await youngClient.GetStringAsync("/notifications"));

        // An adult's number is in their own export, and erasure takes it, the opt-ins and waiting messages.
        var mentee = await fixture.SignInAsync(pair.Mentee);
        (await OptInAsync(mentee, MenteeNumber, pair.ProgramId)).EnsureSuccessStatusCode();
        var page = await mentee.GetStringAsync("/notifications");
        Assert.Contains("id=\"whatsapp-number\"", page);
        Assert.Contains("for=\"whatsapp-number\"", page);
        var export = JsonNode.Parse(await mentee.GetStringAsync("/api/v1/me/data-export"))!;
        Assert.Equal(MenteeNumber, export["whatsApp"]!["number"]!.GetValue<string>());
        Assert.Equal("Reading Buddies", export["whatsApp"]!["optedIn"]![0]!["program"]!.GetValue<string>());
        await AnnounceAsync(pair.Coordinator, pair.ProgramId, "Waiting when erased", "Hello.");
        var erased = await fixture.WithScopeAsync(s => s.GetRequiredService<ErasePerson>().RunAsync(pair.Mentee.Id));
        Assert.Equal(3, erased!.Rows["whatsApp"]); // the opt-in, the number, the waiting message
        await DeliverAsync(fixture);
        Assert.Empty(Graph.To(MessagesUrl(phone)));
        var left = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<WhatsAppNumber>().AnyAsync(n => n.UserId == pair.Mentee.Id));
        Assert.False(left);
    }

    [Fact]
    public async Task CoordinatorsSetTheAccountOnItsPageAndParticipantsOptInOnTheirNotificationsPage()
    {
        var pair = await fixture.PairAsync();
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/programs/{pair.ProgramId}/whatsapp";
        var phone = NewPhoneNumberId();
        var saved = await coordinator.SubmitAsync(path, "whatsapp-account",
        [
            new("phoneNumberId", phone), new("accessToken", Token), new("announcementTemplate", "tandem_announcement"),
            new("reminderTemplate", "tandem_event_reminder"), new("languageCode", "en"),
        ]);
        var html = await saved.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("Connected.", html);
        Assert.DoesNotContain(Token, html);
        var bad = await coordinator.SubmitAsync(path, "whatsapp-account", [new("phoneNumberId", phone), new("languageCode", "English please")]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await pair.Coordinator.GetFromJsonAsync<ProgramWhatsAppView>(Settings(pair.ProgramId), Json.Options))!.TokenSet); // an empty token field keeps it
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync(path)).StatusCode);

        var pages = await fixture.SignInPagesAsync(pair.Mentee);
        var badNumber = await pages.SubmitAsync("/notifications", "whatsapp", [new("WhatsAppSave", "1"), new("number", "0770 0900"), new("program", pair.ProgramId.ToString())]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badNumber.StatusCode);
        var optedIn = await pages.SubmitAsync("/notifications", "whatsapp", [new("WhatsAppSave", "1"), new("number", MenteeNumber), new("program", pair.ProgramId.ToString())]);
        Assert.Equal(HttpStatusCode.OK, optedIn.StatusCode);
        Assert.Contains("Saved: WhatsApp messages from Reading Buddies.", await optedIn.Content.ReadAsStringAsync());
        var view = (await mentee.GetFromJsonAsync<MyWhatsAppView>("/api/v1/me/whatsapp", Json.Options))!;
        Assert.Equal((MenteeNumber, true), (view.Number, Assert.Single(view.Programs).OptedIn));
        var optedOut = await pages.SubmitAsync("/notifications", "whatsapp", [new("WhatsAppSave", "1"), new("number", MenteeNumber)]);
        Assert.Contains("no WhatsApp messages will be sent to you", await optedOut.Content.ReadAsStringAsync());
    }
}
