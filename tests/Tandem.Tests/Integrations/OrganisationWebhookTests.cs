using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Integrations;
using Tandem.Features.Organisations;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Integrations;

/// <summary>
/// Issue 12 item 5, signed outbound webhooks (ADR 58): an organisation registers a receiver, and a real HTTP receiver on
/// 127.0.0.1 gets each subscribed event as JSON signed with HMAC-SHA256 over "{timestamp}.{body}" with the secret shown
/// at creation, verified here as docs/formats.md ("Signed webhooks") tells a receiver to; retries follow the outbox's backoff.
/// </summary>
public sealed class OrganisationWebhookTests(PairFixture fixture) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = default!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static string Webhooks(Guid organisationId) => $"/api/v1/organisations/{organisationId}/webhooks";

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    /// <summary>What an organisation's receiver does, written from the documentation alone (not with Tandem's own code).</summary>
    private static bool Verifies(string secret, IReadOnlyDictionary<string, string> headers, string body, DateTimeOffset now)
    {
        if (!headers.TryGetValue("Tandem-Webhook-Timestamp", out var ts) || !long.TryParse(ts, out var timestamp)
            || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > 300 || !headers.TryGetValue("Tandem-Signature", out var signature))
        {
            return false;
        }
        var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{ts}.{body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(signature), Encoding.UTF8.GetBytes(expected));
    }

    private async Task<(string Hook, CreatedWebhook Created)> RegisterAsync(Pair pair, params string[] events)
    {
        var hook = receiver.NewHook("org");
        var response = await pair.Coordinator.PostAsJsonAsync(Webhooks(pair.School.Organisation.Id), new
        {
            url = hook,
            description = "Our data warehouse",
            events = events.Length == 0 ? ["relationship.started", "meeting.held", "relationship.ended", "announcement.posted"] : events,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var created = (await response.Content.ReadFromJsonAsync<CreatedWebhook>(Json.Options))!;
        receiver.Verify(hook, (headers, body) => Verifies(created.Secret, headers, body, Now));
        return (hook, created);
    }

    private Task<OutboundRun> PassAsync() => fixture.WithScopeAsync(s => s.GetRequiredService<HttpOutbox>().DeliverDueAsync());

    private Task<List<OutboundPost>> QueuedForAsync(Guid webhookId) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<OutboundPost>().AsNoTracking().Where(p => p.WebhookId == webhookId).OrderBy(p => p.CreatedAt).ToListAsync());

    [Fact]
    public async Task AStartedRelationshipReachesTheReceiverSignedWithTheSecretShownAtCreationAndATamperedBodyFails()
    {
        var pair = await fixture.PairAsync();
        var (hook, created) = await RegisterAsync(pair);
        Assert.StartsWith("whsec_", created.Secret);
        Assert.Equal(created.Secret[^4..], created.Webhook.SecretHint);
        // The secret is shown once: the list has its last four characters only, and the database holds it encrypted.
        var listed = await pair.Coordinator.GetStringAsync(Webhooks(pair.School.Organisation.Id));
        Assert.DoesNotContain(created.Secret, listed);
        var stored = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<OrganisationWebhook>().AsNoTracking().SingleAsync(w => w.Id == created.Webhook.Id));
        Assert.DoesNotContain(created.Secret, stored.ProtectedSecret);

        var relationshipId = await pair.SecondPairAsync();

        // Queued in the commit that started the relationship, and posted by the outbox's next pass.
        var queued = Assert.Single(await QueuedForAsync(created.Webhook.Id));
        Assert.Equal("relationship.started", queued.ReferenceKind);
        await PassAsync();
        var post = Assert.Single(receiver.To(hook));
        Assert.Equal(HttpStatusCode.OK, post.Answer);
        Assert.StartsWith("application/json", post.ContentType);
        Assert.True(Verifies(created.Secret, post.Headers, post.Body, Now));
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(), post.Headers["Tandem-Webhook-Timestamp"]);

        var json = JsonNode.Parse(post.Body)!;
        Assert.Equal("relationship.started", json["type"]!.GetValue<string>());
        Assert.Equal(queued.ReferenceId, json["id"]!.GetValue<Guid>());
        Assert.Equal(queued.ReferenceId.ToString(), post.Headers["Tandem-Webhook-Id"]);
        Assert.Equal(pair.School.Organisation.Id, json["organisationId"]!.GetValue<Guid>());
        Assert.Equal(pair.ProgramId, json["programId"]!.GetValue<Guid>());
        Assert.Equal(relationshipId, json["data"]!["relationshipId"]!.GetValue<Guid>());
        Assert.Equal("pair", json["data"]!["kind"]!.GetValue<string>());
        Assert.True(DateTime.TryParse(json["occurredAt"]!.GetValue<string>(), out _));

        // A body changed on the way fails, as does another secret or an old timestamp.
        var tampered = post.Body.Replace(relationshipId.ToString(), Guid.NewGuid().ToString());
        Assert.False(Verifies(created.Secret, post.Headers, tampered, Now));
        Assert.False(Verifies(created.Secret.Replace(created.Secret[^1], created.Secret[^1] == 'A' ? 'B' : 'A'), post.Headers, post.Body, Now));
        Assert.False(Verifies(created.Secret, post.Headers, post.Body, Now.AddMinutes(6)));
        // Tandem's own reference check agrees with the documented one.
        Assert.True(WebhookSignature.Verify(created.Secret, post.Headers["Tandem-Webhook-Timestamp"], post.Headers["Tandem-Signature"], post.Body, Now));
        Assert.False(WebhookSignature.Verify(created.Secret, post.Headers["Tandem-Webhook-Timestamp"], post.Headers["Tandem-Signature"], tampered, Now));
        // And the receiver, sent the tampered body with the genuine headers, refuses it.
        using var replay = new HttpRequestMessage(HttpMethod.Post, hook) { Content = new StringContent(tampered, Encoding.UTF8, "application/json") };
        foreach (var header in new[] { "Tandem-Webhook-Id", "Tandem-Webhook-Timestamp", "Tandem-Signature" })
        {
            replay.Headers.Add(header, post.Headers[header]);
        }
        using var plain = new HttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.SendAsync(replay)).StatusCode);

        // The coordinators see the delivery's state, in the API and on the page.
        var deliveries = await pair.Coordinator.GetFromJsonAsync<Paged<WebhookDeliveryView>>($"{Webhooks(pair.School.Organisation.Id)}/{created.Webhook.Id}/deliveries", Json.Options);
        var delivery = Assert.Single(deliveries!.Items);
        Assert.Equal(("Delivered", 1, "relationship.started"), (delivery.Status, delivery.Attempts, delivery.Type));
        var page = await pair.Coordinator.GetStringAsync($"/organisations/{pair.School.Organisation.Id}/webhooks");
        Assert.Contains(hook, page);
        Assert.Contains("Delivered", page);
        Assert.DoesNotContain(created.Secret, page);

        // Nothing more on a later pass (the receiver holds the one delivery and the refused replay).
        await PassAsync();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Unauthorized], receiver.To(hook).Select(p => p.Answer));
    }

    [Fact]
    public async Task AReceiverAnswering500IsRetriedAfterTheBackoffWithTheSameBodyAndAFreshSignature()
    {
        var pair = await fixture.PairAsync();
        var (hook, created) = await RegisterAsync(pair, "relationship.ended");
        receiver.FailNext(hook, 1);
        var reason = $"Private reason {Guid.NewGuid():N}";
        var ended = await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "EndedEarly", reason });
        Assert.True(ended.IsSuccessStatusCode, await ended.Content.ReadAsStringAsync());

        await PassAsync();
        var first = Assert.Single(receiver.To(hook));
        Assert.Equal(HttpStatusCode.InternalServerError, first.Answer);
        var waiting = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<WebhookDeliveryView>>($"{Webhooks(pair.School.Organisation.Id)}/{created.Webhook.Id}/deliveries", Json.Options))!.Items);
        Assert.Equal(("Waiting", 1), (waiting.Status, waiting.Attempts));
        Assert.Contains("500", waiting.LastError);
        Assert.NotNull(waiting.NextAttemptAt);

        // Not before the first backoff (1 minute), then once.
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        await PassAsync();
        Assert.Single(receiver.To(hook));
        fixture.Clock.Advance(TimeSpan.FromSeconds(31));
        await PassAsync();
        var posts = receiver.To(hook);
        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.OK], posts.Select(p => p.Answer));
        Assert.Equal(posts[0].Body, posts[1].Body);
        Assert.Equal(posts[0].Headers["Tandem-Webhook-Id"], posts[1].Headers["Tandem-Webhook-Id"]);
        Assert.NotEqual(posts[0].Headers["Tandem-Webhook-Timestamp"], posts[1].Headers["Tandem-Webhook-Timestamp"]);
        Assert.True(Verifies(created.Secret, posts[1].Headers, posts[1].Body, Now));
        var json = JsonNode.Parse(posts[1].Body)!;
        Assert.Equal("relationship.ended", json["type"]!.GetValue<string>());
        Assert.Equal("endedEarly", json["data"]!["status"]!.GetValue<string>());
        Assert.DoesNotContain(reason, posts[1].Body);

        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await PassAsync();
        Assert.Equal(2, receiver.To(hook).Count);
    }

    [Fact]
    public async Task CoordinatorsSeeWhatAReceiverAnsweredOrThatItCouldNotBeReachedButNeverItsWords()
    {
        var pair = await fixture.PairAsync();
        var organisation = Webhooks(pair.School.Organisation.Id);
        var (hook, answering) = await RegisterAsync(pair, "relationship.started");
        // An internal host answering with what it holds, and far more of it than a receiver's error needs.
        var marker = $"INTERNAL{Guid.NewGuid():N}";
        receiver.AnswerNext(hook, HttpStatusCode.InternalServerError, marker + new string('x', 5 * 1024 * 1024));
        // And a port where nothing listens.
        var closed = await pair.Coordinator.PostAsJsonAsync(organisation, new { url = $"http://127.0.0.1:{Recruitment.SmtpCapture.FreePort()}/hook", events = new[] { "relationship.started" } });
        Assert.Equal(HttpStatusCode.Created, closed.StatusCode);
        var unreachable = (await closed.Content.ReadFromJsonAsync<CreatedWebhook>(Json.Options))!;
        await pair.SecondPairAsync();

        await PassAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, Assert.Single(receiver.To(hook)).Answer);
        async Task<WebhookDeliveryView> DeliveryAsync(Guid webhookId) =>
            Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<WebhookDeliveryView>>($"{organisation}/{webhookId}/deliveries", Json.Options))!.Items);
        var refused = await DeliveryAsync(answering.Webhook.Id);
        Assert.Equal(("Waiting", 1, "The receiver answered 500 Internal Server Error."), (refused.Status, refused.Attempts, refused.LastError));
        var notReached = await DeliveryAsync(unreachable.Webhook.Id);
        Assert.Equal(("Waiting", 1, "The receiver could not be reached."), (notReached.Status, notReached.Attempts, notReached.LastError));
        var page = await pair.Coordinator.GetStringAsync($"/organisations/{pair.School.Organisation.Id}/webhooks");
        Assert.Contains("The receiver answered 500 Internal Server Error.", page);
        Assert.Contains("The receiver could not be reached.", page);
        Assert.DoesNotContain(marker, page);
        Assert.DoesNotContain("Connection refused", page);
    }

    [Fact]
    public async Task NothingPrivateLeavesInAPayloadAndAMeetingIsHeldOnce()
    {
        var pair = await fixture.PairAsync();
        var (hook, created) = await RegisterAsync(pair);
        var marker = $"SECRET{Guid.NewGuid():N}";
        var meetingId = await pair.MeetingAsync(Now.UtcDateTime.AddHours(-2));
        var checkIns = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var log = new { meetingId, happened = true, topics = marker, progress = marker, challenges = marker, nextSteps = marker, rating = 4 };
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.SignInAsync(pair.Mentor)).PostAsJsonAsync(checkIns, log)).StatusCode);
        // The mentee confirms the same meeting: it was held once.
        Assert.Equal(HttpStatusCode.OK, (await (await fixture.SignInAsync(pair.Mentee)).PostAsJsonAsync(checkIns, log)).StatusCode);
        // A concern and an ending with a reason: neither's words leave.
        var concern = await (await fixture.SignInAsync(pair.Mentee)).PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns",
            new { category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = $"Concern {marker} in detail" });
        Assert.Equal(HttpStatusCode.Created, concern.StatusCode);
        var announcement = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/announcements",
            new { title = "Reading day", body = $"Body {marker}", audience = "Everyone", postToChannels = false });
        Assert.Equal(HttpStatusCode.Created, announcement.StatusCode);
        Assert.True((await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "EndedEarly", reason = $"Ended {marker}" })).IsSuccessStatusCode);

        await PassAsync();
        // Queued at one instant, so posted in any order: one of each.
        var posts = receiver.To(hook).OrderBy(p => JsonNode.Parse(p.Body)!["type"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        Assert.Equal(["announcement.posted", "meeting.held", "relationship.ended"], posts.Select(p => JsonNode.Parse(p.Body)!["type"]!.GetValue<string>()));
        Assert.All(posts, p => Assert.DoesNotContain(marker, p.Body));
        Assert.All(posts, p => Assert.DoesNotContain(pair.Mentor.DisplayName, p.Body));
        Assert.All(posts, p => Assert.True(Verifies(created.Secret, p.Headers, p.Body, Now)));
        var held = JsonNode.Parse(posts[1].Body)!["data"]!;
        Assert.Equal(meetingId, held["meetingId"]!.GetValue<Guid>());
        Assert.Equal(pair.RelationshipId, held["relationshipId"]!.GetValue<Guid>());
        Assert.True(held["scheduled"]!.GetValue<bool>());
        Assert.Equal(["checkInId", "heldAt", "meetingId", "relationshipId", "scheduled"], held.AsObject().Select(p => p.Key).Order());
        Assert.Equal("Reading day", JsonNode.Parse(posts[0].Body)!["data"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARematchThatFailsAndIsRolledBackSendsNothingAndOneThatCommitsSendsTheEndingAndTheStart()
    {
        var pair = await fixture.PairAsync();
        var (hook, created) = await RegisterAsync(pair);
        var relationship = JsonNode.Parse(await pair.Coordinator.GetStringAsync($"/api/v1/relationships/{pair.RelationshipId}"))!;
        var mentorEnrolment = relationship["members"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "Mentor")!["enrolmentId"]!.GetValue<Guid>();
        var rematch = $"/api/v1/relationships/{pair.RelationshipId}/rematch";

        // The old relationship is ended (and its event queued) before the new one is refused: the transaction rolls both back.
        var refused = await pair.Coordinator.PostAsJsonAsync(rematch, new { enrolmentId = mentorEnrolment, newPartnerEnrolmentIds = new[] { Guid.NewGuid() }, reason = "A better fit" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty(await QueuedForAsync(created.Webhook.Id));
        await PassAsync();
        Assert.Empty(receiver.To(hook));

        var done = await pair.Coordinator.PostAsJsonAsync(rematch, new { enrolmentId = mentorEnrolment, newPartnerEnrolmentIds = new[] { pair.OtherMenteeEnrolmentId }, reason = "A better fit" });
        Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
        Assert.Equal(["relationship.ended", "relationship.started"], (await QueuedForAsync(created.Webhook.Id)).Select(p => p.ReferenceKind).Order());
        await PassAsync();
        var bodies = receiver.To(hook).Select(p => JsonNode.Parse(p.Body)!).ToList();
        var started = bodies.Single(b => b["type"]!.GetValue<string>() == "relationship.started");
        Assert.Equal(pair.RelationshipId, started["data"]!["previousRelationshipId"]!.GetValue<Guid>());
        Assert.Equal(pair.RelationshipId, bodies.Single(b => b["type"]!.GetValue<string>() == "relationship.ended")["data"]!["relationshipId"]!.GetValue<Guid>());
        Assert.DoesNotContain(receiver.To(hook), p => p.Body.Contains("A better fit"));
    }

    [Fact]
    public async Task ADisabledWebhookGetsNothingAndANewSecretSignsTheNextDelivery()
    {
        var pair = await fixture.PairAsync();
        var (hook, created) = await RegisterAsync(pair, "relationship.started");
        var path = $"{Webhooks(pair.School.Organisation.Id)}/{created.Webhook.Id}";
        var disabled = await (await pair.Coordinator.PutAsJsonAsync(path, new { active = false })).Content.ReadFromJsonAsync<WebhookView>(Json.Options);
        Assert.False(disabled!.Active);
        await pair.SecondPairAsync();
        Assert.Empty(await QueuedForAsync(created.Webhook.Id));

        Assert.True((await pair.Coordinator.PutAsJsonAsync(path, new { active = true })).IsSuccessStatusCode);
        var rotated = await (await pair.Coordinator.PostAsJsonAsync($"{path}/secret", new { })).Content.ReadFromJsonAsync<WebhookSecretView>(Json.Options);
        Assert.NotEqual(created.Secret, rotated!.Secret);
        receiver.Verify(hook, (headers, body) => Verifies(rotated.Secret, headers, body, Now));
        var third = await fixture.Tandem.CreateUserAsync("Tess Third");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, third, OrganisationRole.Member);
        var mentorEnrolment = await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, third, "Mentor");
        var menteeUser = await fixture.Tandem.CreateUserAsync("Mia Fourth");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, menteeUser, OrganisationRole.Member);
        var menteeEnrolment = await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, menteeUser, "Mentee");
        var started = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/relationships",
            new { memberEnrolmentIds = new[] { mentorEnrolment, menteeEnrolment }, kind = "Pair", startsOn = DateOnly.FromDateTime(Now.UtcDateTime) });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());

        await PassAsync();
        var post = Assert.Single(receiver.To(hook));
        Assert.Equal(HttpStatusCode.OK, post.Answer);
        Assert.False(Verifies(created.Secret, post.Headers, post.Body, Now));

        Assert.Equal(HttpStatusCode.NoContent, (await pair.Coordinator.DeleteAsync(path)).StatusCode);
        Assert.Empty(await QueuedForAsync(created.Webhook.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await pair.Coordinator.GetAsync($"{path}/deliveries")).StatusCode);
    }

    [Fact]
    public async Task OnlyTheOrganisationsCoordinatorsAndAdministratorsManageItsWebhooks()
    {
        var pair = await fixture.PairAsync();
        var (_, created) = await RegisterAsync(pair);
        var organisation = Webhooks(pair.School.Organisation.Id);
        var path = $"{organisation}/{created.Webhook.Id}";
        var body = new { url = receiver.NewHook("org"), events = new[] { "meeting.held" } };

        // A member of the organisation (the mentor): 403.
        var member = await fixture.SignInAsync(pair.Mentor);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync(organisation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync(organisation, body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync($"{path}/secret", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/organisations/{pair.School.Organisation.Id}/webhooks")).StatusCode);

        // Another organisation's coordinator: 404, and their own organisation's path does not reach this webhook.
        var other = await School.CreateAsync(fixture.Tandem);
        var stranger = await fixture.SignInAsync(other.Coordinator);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(organisation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync($"{Webhooks(other.Organisation.Id)}/{created.Webhook.Id}", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{Webhooks(other.Organisation.Id)}/{created.Webhook.Id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/organisations/{pair.School.Organisation.Id}/webhooks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Tandem.AnonymousClient().GetAsync(organisation)).StatusCode);

        // An administrator manages every organisation's.
        var administrator = await fixture.SignInAsync(await fixture.Tandem.CreateUserAsync("Ada Min", administrator: true));
        var list = await administrator.GetFromJsonAsync<Paged<WebhookView>>(organisation, Json.Options);
        Assert.Contains(list!.Items, w => w.Id == created.Webhook.Id);
        Assert.Equal(HttpStatusCode.Created, (await administrator.PostAsJsonAsync(organisation, body)).StatusCode);
        Assert.Contains("Add a webhook", await pair.Coordinator.GetStringAsync($"/organisations/{pair.School.Organisation.Id}/webhooks"));
    }

    [Theory]
    [InlineData("http://example.org/hook", "meeting.held", "url")]
    [InlineData("https://10.0.0.1/hook", "meeting.held", "url")]
    [InlineData("", "meeting.held", "url")]
    [InlineData("https://hooks.example.org/in", "", "events")]
    [InlineData("https://hooks.example.org/in", "event.cancelled", "events")]
    [InlineData("https://hooks.example.org/in", "relationship.started,concern.reported", "events")]
    public async Task BadInputIsRefusedWithAProblemNamingTheField(string url, string events, string field)
    {
        var pair = await fixture.PairAsync();
        var response = await pair.Coordinator.PostAsJsonAsync(Webhooks(pair.School.Organisation.Id),
            new { url, events = events.Split(',', StringSplitOptions.RemoveEmptyEntries) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType!.ToString());
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]![field]);
        if (events == "event.cancelled")
        {
            Assert.Contains("event.rsvp", problem["errors"]![field]!.ToJsonString());
        }
    }

    [Fact]
    public async Task AnUnreadableBodyATooLongDescriptionAndAnUnknownWebhookAreProblemsNotErrors()
    {
        var pair = await fixture.PairAsync();
        var organisation = Webhooks(pair.School.Organisation.Id);
        var broken = await pair.Coordinator.PostAsync(organisation, new StringContent("{\"url\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var wordy = await pair.Coordinator.PostAsJsonAsync(organisation, new { url = "https://hooks.example.org/in", events = new[] { "meeting.held" }, description = new string('x', 201) });
        Assert.Equal(HttpStatusCode.BadRequest, wordy.StatusCode);
        Assert.Contains("description", await wordy.Content.ReadAsStringAsync());
        // 326 characters as typed, about 1,800 once written out with its letters percent-encoded (the column holds 500).
        var encoded = await pair.Coordinator.PostAsJsonAsync(organisation, new { url = "https://hooks.example.org/" + new string('é', 300), events = new[] { "meeting.held" } });
        Assert.Equal(HttpStatusCode.BadRequest, encoded.StatusCode);
        Assert.Contains("at most 500 characters", await encoded.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await pair.Coordinator.PutAsJsonAsync($"{organisation}/{Guid.NewGuid()}", new { active = false })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pair.Coordinator.PostAsJsonAsync($"{organisation}/{Guid.NewGuid()}/secret", new { })).StatusCode);
        var (_, created) = await RegisterAsync(pair);
        var badChange = await pair.Coordinator.PutAsJsonAsync($"{organisation}/{created.Webhook.Id}", new { events = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, badChange.StatusCode);
    }

    /// <summary>ADR 94: a webhook another coordinator deleted after it was read is not found (404), never a 500, whatever was done to it.</summary>
    [Fact]
    public async Task AWebhookDeletedMeanwhileIsNotFoundWhenChangedDisabledRotatedOrDeletedAgain()
    {
        var pair = await fixture.PairAsync();
        var organisationId = pair.School.Organisation.Id;
        var coordinator = new Actor(pair.School.Coordinator.Id, IsAdministrator: false);
        static Task GoneAsync(TandemDb db, Guid id) => db.Set<OrganisationWebhook>().Where(w => w.Id == id).ExecuteDeleteAsync();

        var changed = (await RegisterAsync(pair)).Created.Webhook.Id;
        var change = await DeletedMeanwhile.RunAsync<ChangeOrganisationWebhook, Outcome<WebhookView>>(fixture.Tandem, db => GoneAsync(db, changed),
            u => u.RunAsync(coordinator, organisationId, changed, new ChangeWebhookRequest { Description = "Renamed" }));
        Assert.Equal("No such webhook in this organisation.", Assert.IsType<NotFound>(change.Failure).Detail);

        var disabled = (await RegisterAsync(pair)).Created.Webhook.Id;
        var disable = await DeletedMeanwhile.RunAsync<ChangeOrganisationWebhook, Outcome<WebhookView>>(fixture.Tandem, db => GoneAsync(db, disabled),
            u => u.RunAsync(coordinator, organisationId, disabled, new ChangeWebhookRequest { Active = false }));
        Assert.IsType<NotFound>(disable.Failure);

        var rotated = (await RegisterAsync(pair)).Created.Webhook.Id;
        var rotate = await DeletedMeanwhile.RunAsync<RotateWebhookSecret, Outcome<WebhookSecretView>>(fixture.Tandem, db => GoneAsync(db, rotated),
            u => u.RunAsync(coordinator, organisationId, rotated));
        Assert.IsType<NotFound>(rotate.Failure);

        var deleted = (await RegisterAsync(pair)).Created.Webhook.Id;
        var delete = await DeletedMeanwhile.RunAsync<DeleteOrganisationWebhook, Outcome<Guid>>(fixture.Tandem, db => GoneAsync(db, deleted),
            u => u.RunAsync(coordinator, organisationId, deleted));
        Assert.IsType<NotFound>(delete.Failure);
        Assert.Equal(HttpStatusCode.NotFound, (await pair.Coordinator.DeleteAsync($"{Webhooks(organisationId)}/{deleted}")).StatusCode);
    }
}
