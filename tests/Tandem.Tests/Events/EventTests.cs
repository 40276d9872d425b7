using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ical.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Engagement;
using Tandem.Features.Events;
using Tandem.Features.Exports;
using Tandem.Features.Integrations;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Tests.Engagement;
using Tandem.Infrastructure.Time;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Events;

/// <summary>
/// Issue 12 item 3, events (ADR 62): coordinators set up events with a capacity and a waitlist, participants answer,
/// places go to the waitlist in order, answers at the same moment never overfill, the .ics reads back, reminders go out
/// once by each person's choice and to the program's Slack channel, webhooks hear of answers, and attendance shows in the
/// pair's engagement health. Each test has its own clock on the shared database.
/// </summary>
public sealed class EventTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;
    private WebhookReceiver receiver = default!;

    public async Task InitializeAsync()
    {
        fixture = await shared.WithOwnClockAsync();
        receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await receiver.DisposeAsync();
        await fixture.DisposeAsync();
    }

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private static string Events(Guid programId) => $"/api/v1/programs/{programId}/events";

    private async Task<EventView> CreateAsync(Pair pair, int? capacity, TimeSpan? startsIn = null, string audience = "Everyone", Guid? host = null,
        string? videoLink = null, string title = "Book swap evening")
    {
        var starts = Now + (startsIn ?? TimeSpan.FromDays(3));
        var response = await pair.Coordinator.PostAsJsonAsync(Events(pair.ProgramId), new
        {
            kind = "Social",
            title,
            description = "Bring a **book** you loved.\n\n- Hall B\n- snacks",
            startsAt = starts,
            endsAt = starts.AddHours(2),
            timeZoneId = "Europe/London",
            place = "Hall B",
            videoLink,
            audience,
            capacity,
            hostUserId = host,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<EventView>(Json.Options))!;
    }

    private static async Task<EventView> RsvpAsync(HttpClient client, Guid eventId, bool going)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/events/{eventId}/rsvp", new { going });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<EventView>(Json.Options))!;
    }

    private Task<(int Going, int Waitlisted, int Kept)> CountsAsync(Guid eventId) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var going = await db.Set<EventRsvp>().CountAsync(r => r.EventId == eventId && r.State == RsvpState.Going);
        var waiting = await db.Set<EventRsvp>().CountAsync(r => r.EventId == eventId && r.State == RsvpState.Waitlisted);
        var kept = await db.Set<ProgramEvent>().Where(e => e.Id == eventId).Select(e => e.GoingCount).SingleAsync();
        return (going, waiting, kept);
    });

    private Task<List<Notification>> NoticesAsync(Guid userId) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking().Where(n => n.UserId == userId && n.Kind == NotificationKind.Events).ToListAsync());

    [Fact]
    public async Task PastTheCapacityPeopleJoinTheWaitlistAndAFreedPlaceGoesToTheFirstInLine()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 1);
        Assert.Equal((1, 1, 0), (evt.Capacity, evt.PlacesLeft, evt.Going));
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var other = await fixture.SignInAsync(pair.OtherMentee);

        Assert.Equal(RsvpState.Going, (await RsvpAsync(mentor, evt.Id, true)).MyRsvp);
        var waiting = await RsvpAsync(mentee, evt.Id, true);
        Assert.Equal((RsvpState.Waitlisted, 1, 0), (waiting.MyRsvp, waiting.WaitlistPosition, waiting.PlacesLeft));
        Assert.Equal(2, (await RsvpAsync(other, evt.Id, true)).WaitlistPosition);
        // Asking again changes nothing (not the place in line either).
        Assert.Equal(1, (await RsvpAsync(mentee, evt.Id, true)).WaitlistPosition);

        var cancelled = await RsvpAsync(mentor, evt.Id, false);
        Assert.Equal((RsvpState.NotGoing, 1, 1), (cancelled.MyRsvp, cancelled.Going, cancelled.Waitlisted));
        var promoted = (await mentee.GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!;
        Assert.Equal((RsvpState.Going, (int?)null), (promoted.MyRsvp, promoted.WaitlistPosition));
        Assert.Equal(1, (await other.GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!.WaitlistPosition);
        Assert.Equal((1, 1, 1), await CountsAsync(evt.Id));
        Assert.Contains(await NoticesAsync(pair.Mentee.Id), n => n.Title.Contains("a place at Book swap evening is yours"));

        // Coming back puts the mentor at the end of the line; the waitlisted can leave it.
        Assert.Equal(2, (await RsvpAsync(mentor, evt.Id, true)).WaitlistPosition);
        Assert.Equal(RsvpState.NotGoing, (await RsvpAsync(other, evt.Id, false)).MyRsvp);
        Assert.Equal(1, (await mentor.GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!.WaitlistPosition);

        // The host's list: going first, then the waitlist in order, then those not going.
        var attendance = (await pair.Coordinator.GetFromJsonAsync<EventAttendanceView>($"/api/v1/events/{evt.Id}/attendance", Json.Options))!;
        Assert.Equal([pair.Mentee.Id, pair.Mentor.Id, pair.OtherMentee.Id], attendance.People.Items.Select(p => p.UserId));
        // Participants never see who else answered.
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/events/{evt.Id}/attendance")).StatusCode);
        Assert.DoesNotContain(pair.Mentor.DisplayName, await mentee.GetStringAsync(Events(pair.ProgramId)));
    }

    [Fact]
    public async Task APersonsAnswersToEventsAreInTheirDataExportAndNoOneElses()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 1);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await RsvpAsync(mentor, evt.Id, true);
        await RsvpAsync(mentee, evt.Id, true);

        using var mine = System.Text.Json.JsonDocument.Parse(await mentee.GetStringAsync("/api/v1/me/data-export"));
        var answers = mine.RootElement.GetProperty("eventRsvps").EnumerateArray().ToList();
        var answer = Assert.Single(answers);
        Assert.Equal((evt.Title, "Waitlisted"), (answer.GetProperty("event").GetString(), answer.GetProperty("answer").GetString()));
        // The mentor's answer is theirs: it is not in the mentee's file, and the mentee's is not in the mentor's.
        using var theirs = System.Text.Json.JsonDocument.Parse(await mentor.GetStringAsync("/api/v1/me/data-export"));
        Assert.Equal("Going", Assert.Single(theirs.RootElement.GetProperty("eventRsvps").EnumerateArray()).GetProperty("answer").GetString());
    }

    [Fact]
    public async Task AnswersSentAtTheSameMomentNeverOverfillAndCancellationsAtOncePromoteInOrder()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 3);
        var clients = new List<(Guid UserId, HttpClient Client)>();
        for (var i = 0; i < 12; i++)
        {
            var person = await fixture.Tandem.CreateUserAsync($"Racer {i}");
            await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, person, OrganisationRole.Member);
            await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, person, i % 2 == 0 ? "Mentor" : "Mentee");
            clients.Add((person.Id, await fixture.SignInAsync(person)));
        }

        var answers = await Task.WhenAll(clients.Select(c => RsvpAsync(c.Client, evt.Id, true)));

        Assert.Equal(3, answers.Count(a => a.MyRsvp == RsvpState.Going));
        Assert.Equal(9, answers.Count(a => a.MyRsvp == RsvpState.Waitlisted));
        Assert.Equal((3, 9, 3), await CountsAsync(evt.Id));

        // The three going cancel at once: the first three in line get their places, no more.
        var line = (await pair.Coordinator.GetFromJsonAsync<EventAttendanceView>($"/api/v1/events/{evt.Id}/attendance", Json.Options))!
            .People.Items.Where(p => p.State == RsvpState.Waitlisted).Select(p => p.UserId).ToList();
        var goingIds = answers.Select((a, i) => (a, clients[i])).Where(x => x.a.MyRsvp == RsvpState.Going).Select(x => x.Item2).ToList();
        await Task.WhenAll(goingIds.Select(c => RsvpAsync(c.Client, evt.Id, false)));
        Assert.Equal((3, 6, 3), await CountsAsync(evt.Id));
        var after = (await pair.Coordinator.GetFromJsonAsync<EventAttendanceView>($"/api/v1/events/{evt.Id}/attendance", Json.Options))!;
        Assert.Equal(line.Take(3).Order(), after.People.Items.Where(p => p.State == RsvpState.Going).Select(p => p.UserId).Order());
    }

    [Fact]
    public async Task OnlyThePeopleOfTheProgramSeeItsEventsAndOnlyItsCoordinatorsSetThemUp()
    {
        var pair = await fixture.PairAsync();
        var other = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 10);
        var mentorsOnly = await CreateAsync(pair, capacity: null, audience: "Mentors", title: "Mentor circle");
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        var otherProgramsMentee = await fixture.SignInAsync(other.Mentee);

        foreach (var stranger in new[] { outsider, otherProgramsMentee, other.Coordinator })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(Events(pair.ProgramId))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/events/{evt.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/api/v1/events/{evt.Id}/rsvp", new { going = true })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/events/{evt.Id}/invitation.ics")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/events/{evt.Id}/attendance")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"/api/v1/events/{evt.Id}/cancel", Json.Empty())).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/programs/{pair.ProgramId}/events")).StatusCode);
        }
        // A mentee does not see the mentors' event at all.
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"/api/v1/events/{mentorsOnly.Id}")).StatusCode);
        Assert.Equal([evt.Id], (await mentee.GetFromJsonAsync<Paged<EventView>>(Events(pair.ProgramId), Json.Options))!.Items.Select(e => e.Id));
        Assert.Equal(2, (await pair.Coordinator.GetFromJsonAsync<Paged<EventView>>(Events(pair.ProgramId), Json.Options))!.TotalCount);
        // Participants neither set up nor cancel events, nor take attendance.
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync(Events(pair.ProgramId), new { title = "Mine", startsAt = Now.AddDays(1), endsAt = Now.AddDays(1).AddHours(1), place = "Here" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsync($"/api/v1/events/{evt.Id}/cancel", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PutAsJsonAsync($"/api/v1/events/{evt.Id}/attendance", new { entries = Array.Empty<object>() })).StatusCode);
    }

    [Fact]
    public async Task BadEventsAreRefusedWithProblemDetails()
    {
        var pair = await fixture.PairAsync();
        var start = Now.AddDays(2);
        object[] bad =
        [
            new { title = "", startsAt = start, endsAt = start.AddHours(1), place = "Hall" },
            new { title = "Past", startsAt = Now.AddHours(-1), endsAt = Now.AddHours(1), place = "Hall" },
            new { title = "Backwards", startsAt = start, endsAt = start.AddHours(-1), place = "Hall" },
            new { title = "Nowhere", startsAt = start, endsAt = start.AddHours(1) },
            new { title = "Plain link", startsAt = start, endsAt = start.AddHours(1), videoLink = "http://meet.example.org/x" },
            new { title = "Zone", startsAt = start, endsAt = start.AddHours(1), place = "Hall", timeZoneId = "Mars/Olympus" },
            new { title = "Capacity", startsAt = start, endsAt = start.AddHours(1), place = "Hall", capacity = 0 },
            new { title = "Host", startsAt = start, endsAt = start.AddHours(1), place = "Hall", hostUserId = pair.School.Outsider.Id },
            new { title = "Kind", kind = "Party", startsAt = start, endsAt = start.AddHours(1), place = "Hall" },
        ];
        foreach (var request in bad)
        {
            var response = await pair.Coordinator.PostAsJsonAsync(Events(pair.ProgramId), request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{request}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
        var evt = await CreateAsync(pair, capacity: 2);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync($"/api/v1/events/{evt.Id}/rsvp", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.GetAsync($"/api/v1/events/{evt.Id}/invitation.ics")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await pair.Coordinator.PutAsJsonAsync($"/api/v1/events/{evt.Id}/attendance", new { entries = Array.Empty<object>() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsync($"/api/v1/events/{evt.Id}/cancel", Json.Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.PostAsJsonAsync($"/api/v1/events/{evt.Id}/rsvp", new { going = true })).StatusCode);
    }

    [Fact]
    public async Task TheInvitationOfSomeoneGoingReadsBackWithIcalNet()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 1, videoLink: "https://meet.example.org/book-swap");
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await RsvpAsync(mentee, evt.Id, true);
        await RsvpAsync(mentor, evt.Id, true);

        var response = await mentee.GetAsync($"/api/v1/events/{evt.Id}/invitation.ics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        var calendar = Calendar.Load(await response.Content.ReadAsStringAsync())!;
        var read = Assert.Single(calendar.Events);
        Assert.Equal($"event-{evt.Id}@tandem", read.Uid);
        Assert.Equal("Book swap evening", read.Summary);
        Assert.Equal(evt.StartsAt, read.Start!.AsUtc, TimeSpan.FromSeconds(1));
        Assert.Equal(evt.EndsAt, read.End!.AsUtc, TimeSpan.FromSeconds(1));
        Assert.Equal("Hall B / https://meet.example.org/book-swap", read.Location);
        Assert.Equal("CONFIRMED", read.Status);
        var attendee = Assert.Single(read.Attendees);
        Assert.Equal($"mailto:{pair.Mentee.Email}", attendee.Value!.ToString(), ignoreCase: true);
        Assert.Equal("ACCEPTED", attendee.ParticipationStatus);
        Assert.Contains("Bring a book you loved.", read.Description);

        // The waitlisted mentor's copy is tentative; once cancelled, it says so with a higher sequence.
        var waiting = Calendar.Load(await mentor.GetStringAsync($"/api/v1/events/{evt.Id}/invitation.ics"))!.Events.Single();
        Assert.Equal(("TENTATIVE", "TENTATIVE"), (waiting.Status, waiting.Attendees.Single().ParticipationStatus));
        // The video link is for those going: not in the waiting mentor's copy, nor in what the events API gives them.
        Assert.Equal("Hall B", waiting.Location);
        Assert.DoesNotContain("book-swap", waiting.Description);
        var forMentor = (await mentor.GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!;
        Assert.Equal((RsvpState.Waitlisted, (string?)null, true), (forMentor.MyRsvp, forMentor.VideoLink, forMentor.Online));
        Assert.Equal("https://meet.example.org/book-swap", (await mentee.GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!.VideoLink);
        Assert.Equal("https://meet.example.org/book-swap", (await pair.Coordinator.GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!.VideoLink);
        (await pair.Coordinator.PostAsync($"/api/v1/events/{evt.Id}/cancel", Json.Empty())).EnsureSuccessStatusCode();
        var cancelled = Calendar.Load(await mentee.GetStringAsync($"/api/v1/events/{evt.Id}/invitation.ics"))!.Events.Single();
        Assert.Equal(("CANCELLED", 1), (cancelled.Status, cancelled.Sequence));
        Assert.Contains(await NoticesAsync(pair.Mentor.Id), n => n.Title.EndsWith("Book swap evening is cancelled"));
    }

    [Fact]
    public async Task TheDayBeforeThoseGoingAreRemindedOnceByTheirOwnChoiceAndTheSlackChannelGetsOnlyTitleTimeAndPlace()
    {
        var pair = await fixture.PairAsync();
        var slack = receiver.NewHook("slack");
        (await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/channels", new { slackWebhookUrl = slack })).EnsureSuccessStatusCode();
        var evt = await CreateAsync(pair, capacity: 5, startsIn: TimeSpan.FromHours(30), videoLink: "https://meet.example.org/secret-room");
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        await RsvpAsync(mentor, evt.Id, true);
        await RsvpAsync(mentee, evt.Id, true);
        await RsvpAsync(other, evt.Id, false);
        // The mentee hears of events in the app only.
        (await mentee.PutAsJsonAsync("/api/v1/me/notification-preferences", new { choices = new { events = "InApp" } })).EnsureSuccessStatusCode();
        Task<EventReminderRun> Pass() => fixture.WithScopeAsync(s => s.GetRequiredService<SendEventReminders>().RunAsync());

        await Pass();
        Assert.Empty(await NoticesAsync(pair.Mentor.Id)); // 30 hours ahead: not yet
        fixture.Clock.Advance(TimeSpan.FromHours(7));
        // Two nodes' passes at the same moment, then a later one: each reminder goes once.
        await Task.WhenAll(Pass(), Pass());
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await Pass();

        var mentorNotice = Assert.Single(await NoticesAsync(pair.Mentor.Id));
        Assert.Equal("Tomorrow: Book swap evening", mentorNotice.Title);
        Assert.Contains("https://meet.example.org/secret-room", mentorNotice.Body); // those going get the link
        Assert.Single(await fixture.OutboxForAsync(pair.Mentor.Email), m => m.Subject == "Tomorrow: Book swap evening");
        var menteeNotice = Assert.Single(await NoticesAsync(pair.Mentee.Id));
        Assert.Equal(NotificationChoice.InApp, menteeNotice.Choice);
        Assert.DoesNotContain(await fixture.OutboxForAsync(pair.Mentee.Email), m => m.Subject.StartsWith("Tomorrow"));
        Assert.Empty(await NoticesAsync(pair.OtherMentee.Id));

        var post = Assert.Single(receiver.To(slack));
        var json = JsonNode.Parse(post.Body)!;
        var blocks = json["blocks"]!.AsArray();
        Assert.Equal("Tomorrow: Book swap evening", blocks.Single(b => b!["type"]!.GetValue<string>() == "header")!["text"]!["text"]!.GetValue<string>());
        var section = blocks.Single(b => b!["type"]!.GetValue<string>() == "section")!["text"]!;
        Assert.Equal("mrkdwn", section["type"]!.GetValue<string>());
        Assert.Contains("*When:*", section["text"]!.GetValue<string>());
        Assert.Contains("(Europe/London)", section["text"]!.GetValue<string>());
        Assert.Contains("Hall B", section["text"]!.GetValue<string>());
        Assert.DoesNotContain("secret-room", post.Body);
        Assert.DoesNotContain(pair.Mentor.DisplayName, post.Body);
        Assert.DoesNotContain("book**", post.Body);
        Assert.Contains($"/programs/{pair.ProgramId}/events", post.Body);
    }

    [Fact]
    public async Task AnAnswerReachesTheOrganisationsWebhookSignedWithItsSecret()
    {
        var pair = await fixture.PairAsync();
        var hook = receiver.NewHook("org");
        var created = await pair.Coordinator.PostAsJsonAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/webhooks", new { url = hook, description = "Warehouse", events = new[] { "event.rsvp" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["secret"]!.GetValue<string>();
        var evt = await CreateAsync(pair, capacity: 1);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await RsvpAsync(mentor, evt.Id, true);

        await fixture.WithScopeAsync(s => s.GetRequiredService<HttpOutbox>().DeliverDueAsync());

        var posts = receiver.To(hook);
        Assert.Equal(2, posts.Count);
        foreach (var post in posts)
        {
            var ts = post.Headers["Tandem-Webhook-Timestamp"];
            var expected = "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{ts}.{post.Body}")));
            Assert.Equal(expected, post.Headers["Tandem-Signature"]);
            Assert.False(WebhookSignature.Verify(secret, ts, post.Headers["Tandem-Signature"], post.Body.Replace("\"event.rsvp\"", "\"event.rsvq\""), fixture.Clock.GetUtcNow()));
        }
        var data = posts.Select(p => JsonNode.Parse(p.Body)!).ToList();
        Assert.All(data, d => Assert.Equal("event.rsvp", d["type"]!.GetValue<string>()));
        Assert.All(data, d => Assert.Equal(evt.Id, d["data"]!["eventId"]!.GetValue<Guid>()));
        Assert.Equal(["going", "waitlisted"], data.Select(d => d["data"]!["state"]!.GetValue<string>()).Order());
        Assert.DoesNotContain(posts, p => p.Body.Contains(pair.Mentor.DisplayName) || p.Body.Contains(pair.Mentee.DisplayName));
    }

    [Fact]
    public async Task AttendanceTakenByTheNamedHostShowsInThePairsEngagementHealth()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null, startsIn: TimeSpan.FromHours(2), host: pair.Mentor.Id);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await RsvpAsync(mentee, evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.OtherMentee), evt.Id, true);
        var health = $"/api/v1/relationships/{pair.RelationshipId}/health";
        Assert.Equal(0, (await mentee.GetFromJsonAsync<RelationshipHealth>(health, Json.Options))!.EventsAttended);
        // Before it starts there is nothing to take.
        Assert.Equal(HttpStatusCode.Conflict, (await mentor.PutAsJsonAsync($"/api/v1/events/{evt.Id}/attendance", new { entries = new[] { new { userId = pair.Mentee.Id, attended = true } } })).StatusCode);

        fixture.Clock.Advance(TimeSpan.FromHours(3));
        var stranger = await fixture.Tandem.CreateUserAsync("Never Answered");
        var refused = await mentor.PutAsJsonAsync($"/api/v1/events/{evt.Id}/attendance", new { entries = new[] { new { userId = stranger.Id, attended = true } } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PutAsJsonAsync($"/api/v1/events/{evt.Id}/attendance", new { entries = new[] { new { userId = pair.Mentee.Id, attended = true } } })).StatusCode);
        var taken = await mentor.PutAsJsonAsync($"/api/v1/events/{evt.Id}/attendance", new
        {
            entries = new[] { new { userId = pair.Mentee.Id, attended = true }, new { userId = pair.OtherMentee.Id, attended = false } },
        });
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        var list = (await taken.Content.ReadFromJsonAsync<EventAttendanceView>(Json.Options))!;
        Assert.Equal([true, false], list.People.Items.OrderBy(p => p.UserId == pair.Mentee.Id ? 0 : 1).Select(p => p.Attended));

        Assert.Equal(1, (await mentee.GetFromJsonAsync<RelationshipHealth>(health, Json.Options))!.EventsAttended);
        Assert.Equal(1, (await pair.Coordinator.GetFromJsonAsync<JsonObject>($"/api/v1/programs/{pair.ProgramId}/health", Json.Options))!
            .ToJsonString().Split("\"eventsAttended\":1").Length - 1);
        Assert.Contains("Events attended", await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/health"));
    }

    [Fact]
    public async Task TheEventsPageLetsAParticipantAnswerAndACoordinatorSetUpAnEvent()
    {
        var pair = await fixture.PairAsync();
        var coordinatorPages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/events";
        Assert.Contains("Set up an event", await coordinatorPages.Http.GetStringAsync(page));
        var local = Zones.ToLocal(Now.AddDays(5), "Europe/London");
        var created = await coordinatorPages.SubmitAsync(page, "create",
        [
            new("kind", "Workshop"), new("title", "Study skills"), new("description", "**Bring** notes"),
            new("starts", local.ToString("yyyy-MM-ddTHH:mm")), new("ends", local.AddHours(1).ToString("yyyy-MM-ddTHH:mm")),
            new("zone", "Europe/London"), new("place", "Room 4"), new("video", ""), new("audience", "Everyone"), new("capacity", "1"),
        ]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var evt = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<EventView>>(Events(pair.ProgramId), Json.Options))!.Items);
        Assert.Equal(("Study skills", 1, "Europe/London"), (evt.Title, evt.Capacity, evt.TimeZoneId));

        var menteePages = await fixture.SignInPagesAsync(pair.Mentee);
        var shown = await menteePages.Http.GetStringAsync(page);
        Assert.Contains("<strong>Bring</strong> notes", shown);
        Assert.DoesNotContain("Set up an event", shown);
        var answered = await menteePages.SubmitAsync(page, "rsvp", [new("answer", $"{evt.Id}:going")]);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("You are going.", await menteePages.Http.GetStringAsync(page));
        Assert.Equal(RsvpState.Going, (await (await fixture.SignInAsync(pair.Mentee)).GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!.MyRsvp);
        Assert.Contains("Join the waitlist", await (await fixture.SignInPagesAsync(pair.Mentor)).Http.GetStringAsync(page));
        Assert.Contains(pair.Mentee.DisplayName, await coordinatorPages.Http.GetStringAsync(EventLinks.Attendance(pair.ProgramId, evt.Id)));
    }

    [Fact]
    public async Task AnEventAtTheEndOfTheCalendarIsRefusedNamingTheStart()
    {
        var pair = await fixture.PairAsync();

        var far = await pair.Coordinator.PostAsJsonAsync(Events(pair.ProgramId), new
        {
            kind = "Social", title = "Far away", startsAt = "9999-12-31T20:00:00Z", endsAt = "9999-12-31T22:00:00Z", timeZoneId = "Europe/London", place = "Hall B",
        });

        Assert.Equal(HttpStatusCode.BadRequest, far.StatusCode);
        Assert.Contains("An event starts within 5 years.", await far.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARefusedEventFormComesBackWithItsKindAndAudience()
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/events";
        var local = Zones.ToLocal(Now.AddDays(5), "Europe/London");

        // Ends before it starts: refused, and the form keeps "Social" for "Mentees".
        var refused = await pages.SubmitAsync(page, "create",
        [
            new("kind", "Social"), new("title", "Mentees' picnic"), new("starts", local.ToString("yyyy-MM-ddTHH:mm")),
            new("ends", local.AddHours(-1).ToString("yyyy-MM-ddTHH:mm")), new("zone", "Europe/London"), new("place", "Park"), new("audience", "Mentees"),
        ]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var form = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Equal("Mentees", ((AngleSharp.Html.Dom.IHtmlSelectElement)form.QuerySelector("#audience")!).Value);
        Assert.Equal("Social", ((AngleSharp.Html.Dom.IHtmlSelectElement)form.QuerySelector("#kind")!).Value);
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<EventView>>(Events(pair.ProgramId), Json.Options))!.Items);
    }

    private const string Retained = "This program's data has been anonymised after it closed, so it takes no new events or answers to them.";

    private async Task<HttpResponseMessage> PostEventAsync(Pair pair, string kind, string title, string? description = null)
    {
        var starts = Now.AddDays(3);
        return await pair.Coordinator.PostAsJsonAsync(Events(pair.ProgramId), new
        {
            kind, title, description, startsAt = starts, endsAt = starts.AddHours(2), timeZoneId = "Europe/London", place = "Hall B", audience = "Everyone",
        });
    }

    [Fact]
    public async Task AClosedProgramTakesNoNewInformationSessionAndAnAnonymisedOneNoEventsNorAnswers()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null);
        var coordinatorPages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/events";
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == pair.ProgramId)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProgramStatus.Closed).SetProperty(p => p.ClosedAt, Now)));

        // Closed: it no longer recruits, as Recruitment's information sessions say; other events are still set up.
        var session = await PostEventAsync(pair, "InformationSession", "Taster");
        Assert.Equal(HttpStatusCode.Conflict, session.StatusCode);
        Assert.Contains("This program is closed; it no longer recruits.", await session.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Created, (await PostEventAsync(pair, "Workshop", "Wrap-up")).StatusCode);
        var closedPage = await coordinatorPages.Http.GetStringAsync(page);
        Assert.Contains("Set up an event", closedPage);
        Assert.DoesNotContain("value=\"InformationSession\"", closedPage);

        // Anonymised by retention (ADR 49): nothing new, neither an event nor an answer to one there is.
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", Now.AddYears(-2), 24, "test", Now));
            return await db.SaveChangesAsync();
        });
        var afterRetention = await PostEventAsync(pair, "Workshop", "Reunion");
        Assert.Equal(HttpStatusCode.Conflict, afterRetention.StatusCode);
        Assert.Contains(Retained, await afterRetention.Content.ReadAsStringAsync());
        var answer = await (await fixture.SignInAsync(pair.Mentee)).PostAsJsonAsync($"/api/v1/events/{evt.Id}/rsvp", new { going = true });
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains(Retained, await answer.Content.ReadAsStringAsync());
        Assert.Equal((0, 0, 0), await CountsAsync(evt.Id));
        Assert.DoesNotContain("Set up an event", await coordinatorPages.Http.GetStringAsync(page));
        Assert.DoesNotContain((await pair.Coordinator.GetFromJsonAsync<Paged<EventView>>(Events(pair.ProgramId), Json.Options))!.Items, e => e.Title == "Reunion");
    }

    [Theory]
    [InlineData("audience", "Staff", "Choose who the event is for from the list.")]
    [InlineData("audience", "", "Choose who the event is for from the list.")]
    [InlineData("kind", "Party", "Choose the kind of event from the list.")]
    [InlineData("kind", "4", "Choose the kind of event from the list.")]
    [InlineData("capacity", "12.5", "The places are a whole number, or empty for no limit.")]
    public async Task AnEventFormValueThePageCannotReadIsRefusedNotDefaulted(string field, string value, string message)
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = $"/programs/{pair.ProgramId}/events";
        var local = Zones.ToLocal(Now.AddDays(5), "Europe/London");
        var fields = new Dictionary<string, string>
        {
            ["kind"] = "Workshop", ["title"] = "Mentors' workshop", ["description"] = "", ["starts"] = local.ToString("yyyy-MM-ddTHH:mm"),
            ["ends"] = local.AddHours(1).ToString("yyyy-MM-ddTHH:mm"), ["zone"] = "Europe/London", ["place"] = "Room 4", ["video"] = "",
            ["audience"] = "Mentors", ["capacity"] = "12",
        };
        fields[field] = value;

        var refused = await pages.SubmitAsync(page, "create", fields);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains(message, html);
        var form = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal("Mentors' workshop", ((AngleSharp.Html.Dom.IHtmlInputElement)form.QuerySelector("#title")!).Value);
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<EventView>>(Events(pair.ProgramId), Json.Options))!.Items);
    }

    [Fact]
    public async Task AMentorHostingTheMenteesEventTakesItsAttendance()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null, startsIn: TimeSpan.FromHours(2), audience: "Mentees", host: pair.Mentor.Id);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        fixture.Clock.Advance(TimeSpan.FromHours(3));

        var taken = await mentor.PutAsJsonAsync($"/api/v1/events/{evt.Id}/attendance", new { entries = new[] { new { userId = pair.Mentee.Id, attended = true } } });

        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        // Another mentor, not the host, still does not find it.
        var other = await fixture.Tandem.CreateUserAsync("Other Mentor");
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, other, Tandem.Features.Organisations.OrganisationRole.Member);
        await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, other, "Mentor");
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(other)).GetAsync($"/api/v1/events/{evt.Id}")).StatusCode);
    }
}
