using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Events;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Events;

/// <summary>
/// ADR 97: a place at an event is held only by someone who can still come and still see it. Removed enrolments, disabled
/// and erased accounts give their places to the waitlist; reminders and cancellation notices reach only those who can
/// still see the event; an answer and a cancellation never cross; a named host finds their event; the kept count stays
/// right; the attendance list is paged and a read of a minor's attendance is audited; an event deleted meanwhile is 404.
/// </summary>
[RunsLong(30)]
public sealed class EventPlacesTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private async Task<EventView> CreateAsync(Pair pair, int? capacity, TimeSpan? startsIn = null, string audience = "Everyone", Guid? host = null,
        string? videoLink = null, string title = "Book swap evening", string kind = "Social")
    {
        var starts = Now + (startsIn ?? TimeSpan.FromDays(3));
        var response = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/events", new
        {
            kind, title, startsAt = starts, endsAt = starts.AddHours(2), timeZoneId = "Europe/London", place = "Hall B", videoLink, audience, capacity, hostUserId = host,
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

    private Task<RsvpState?> AnswerOfAsync(Guid eventId, Guid userId) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<EventRsvp>().Where(r => r.EventId == eventId && r.UserId == userId).Select(r => (RsvpState?)r.State).SingleOrDefaultAsync());

    private Task<(int Going, int Kept)> CountsAsync(Guid eventId) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var going = await db.Set<EventRsvp>().CountAsync(r => r.EventId == eventId && r.State == RsvpState.Going);
        var kept = await db.Set<ProgramEvent>().Where(e => e.Id == eventId).Select(e => e.GoingCount).SingleAsync();
        return (going, kept);
    });

    private Task<List<string>> NoticesAsync(Guid userId) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().Where(n => n.UserId == userId && n.Kind == NotificationKind.Events).Select(n => n.Title).ToListAsync());

    private Task<EventReminderRun> RemindAsync() => fixture.WithScopeAsync(s => s.GetRequiredService<SendEventReminders>().RunAsync());

    private Task<int> SetAsync<T>(Func<TandemDb, Task<int>> change) => fixture.WithScopeAsync(s => change(s.GetRequiredService<TandemDb>()));

    private Task<int> DisableDirectlyAsync(Guid userId) =>
        SetAsync<int>(db => db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsDisabled, true)));

    private async Task<(UserSummary Person, Guid EnrolmentId)> StaffAsync(Pair pair, string name)
    {
        var person = await fixture.Tandem.CreateUserAsync(name);
        await fixture.Tandem.AddMemberAsync(pair.School.Organisation.Id, person, Tandem.Features.Organisations.OrganisationRole.Member);
        return (person, await PairFixture.EnrolAsync(pair.Coordinator, pair.ProgramId, person, "Staff"));
    }

    [Fact]
    public async Task RemovingAStaffEnrolmentGivesItsPlaceToTheWaitlistAndEndsItsReminders()
    {
        var pair = await fixture.PairAsync();
        var (staff, enrolment) = await StaffAsync(pair, "Stella Staff");
        var evt = await CreateAsync(pair, capacity: 1, startsIn: TimeSpan.FromHours(30), videoLink: "https://meet.example.org/staff-room");
        await RsvpAsync(await fixture.SignInAsync(staff), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);

        Assert.Equal(HttpStatusCode.NoContent, (await pair.Coordinator.DeleteAsync($"/api/v1/programs/{pair.ProgramId}/enrolments/{enrolment}")).StatusCode);

        Assert.Equal(RsvpState.NotGoing, await AnswerOfAsync(evt.Id, staff.Id));
        Assert.Equal(RsvpState.Going, await AnswerOfAsync(evt.Id, pair.Mentee.Id));
        Assert.Equal((1, 1), await CountsAsync(evt.Id));
        Assert.Contains(await NoticesAsync(pair.Mentee.Id), t => t.EndsWith("a place at Book swap evening is yours"));
        fixture.Clock.Advance(TimeSpan.FromHours(7));
        await RemindAsync();
        Assert.Empty(await NoticesAsync(staff.Id));
    }

    [Fact]
    public async Task AnApplicantIsNeitherRemindedNorToldOfACancellationOnceTheProgramStopsRecruiting()
    {
        var pair = await fixture.PairAsync();
        await SetAsync<int>(db => db.Programs.Where(p => p.Id == pair.ProgramId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProgramStatus.Recruiting)));
        var soon = await CreateAsync(pair, capacity: null, startsIn: TimeSpan.FromHours(30), kind: "InformationSession", title: "Taster", videoLink: "https://meet.example.org/taster");
        var later = await CreateAsync(pair, capacity: null, kind: "InformationSession", title: "Second taster");
        var applicant = await fixture.SignInAsync(pair.School.Outsider);
        await RsvpAsync(applicant, soon.Id, true);
        await RsvpAsync(applicant, later.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), soon.Id, true);
        await SetAsync<int>(db => db.Programs.Where(p => p.Id == pair.ProgramId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProgramStatus.Matching)));

        fixture.Clock.Advance(TimeSpan.FromHours(7));
        await RemindAsync();
        (await pair.Coordinator.PostAsync($"/api/v1/events/{later.Id}/cancel", Json.Empty())).EnsureSuccessStatusCode();

        // The applicant no longer sees the sessions: no reminder with the link, no cancellation notice. The mentee still hears.
        Assert.Empty(await NoticesAsync(pair.School.Outsider.Id));
        Assert.Contains("Tomorrow: Taster", await NoticesAsync(pair.Mentee.Id));
    }

    [Fact]
    public async Task AFreedPlacePassesOverAnApplicantWhoNoLongerSeesTheSession()
    {
        var pair = await fixture.PairAsync();
        await SetAsync<int>(db => db.Programs.Where(p => p.Id == pair.ProgramId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProgramStatus.Recruiting)));
        var evt = await CreateAsync(pair, capacity: 1, kind: "InformationSession", title: "Taster");
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await RsvpAsync(mentor, evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.School.Outsider), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        await SetAsync<int>(db => db.Programs.Where(p => p.Id == pair.ProgramId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, ProgramStatus.Matching)));

        await RsvpAsync(mentor, evt.Id, false);

        // The applicant, first in line but no longer able to open the session, is passed over; the mentee below gets the place.
        Assert.Equal(RsvpState.Waitlisted, await AnswerOfAsync(evt.Id, pair.School.Outsider.Id));
        Assert.Equal(RsvpState.Going, await AnswerOfAsync(evt.Id, pair.Mentee.Id));
        Assert.Equal((1, 1), await CountsAsync(evt.Id));
        Assert.Empty(await NoticesAsync(pair.School.Outsider.Id));
        Assert.Contains(await NoticesAsync(pair.Mentee.Id), t => t.EndsWith("a place at Taster is yours"));
    }

    [Fact]
    public async Task ADisabledAccountIsNotReminded()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null, startsIn: TimeSpan.FromHours(30));
        await RsvpAsync(await fixture.SignInAsync(pair.Mentor), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        // Disabled before this release gave places up: still listed as going.
        await DisableDirectlyAsync(pair.Mentor.Id);

        fixture.Clock.Advance(TimeSpan.FromHours(7));
        await RemindAsync();

        Assert.Empty(await NoticesAsync(pair.Mentor.Id));
        Assert.Contains("Tomorrow: Book swap evening", await NoticesAsync(pair.Mentee.Id));
    }

    [Fact]
    public async Task DisablingAnAccountGivesItsPlaceToTheNextInLineWhoIsToldAfterwards()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 1);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentor), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);

        var disabled = await fixture.WithScopeAsync(s => s.GetRequiredService<DisableUser>().RunAsync(new Actor(Guid.NewGuid(), IsAdministrator: true), pair.Mentor.Id, true));

        Assert.Null(disabled.Failure);
        Assert.Equal(RsvpState.NotGoing, await AnswerOfAsync(evt.Id, pair.Mentor.Id));
        Assert.Equal(RsvpState.Going, await AnswerOfAsync(evt.Id, pair.Mentee.Id));
        Assert.Equal((1, 1), await CountsAsync(evt.Id));
        Assert.Contains(await NoticesAsync(pair.Mentee.Id), t => t.EndsWith("a place at Book swap evening is yours"));
    }

    [Fact]
    public async Task ErasingAPersonGivesTheirPlaceToTheNextInLine()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 1);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentor), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);

        await fixture.WithScopeAsync(s => s.GetRequiredService<ErasePerson>().RunAsync(pair.Mentor.Id));

        Assert.Equal(RsvpState.NotGoing, await AnswerOfAsync(evt.Id, pair.Mentor.Id));
        Assert.Equal(RsvpState.Going, await AnswerOfAsync(evt.Id, pair.Mentee.Id));
        Assert.Equal((1, 1), await CountsAsync(evt.Id));
        Assert.Contains(await NoticesAsync(pair.Mentee.Id), t => t.EndsWith("a place at Book swap evening is yours"));
    }

    [Fact]
    public async Task AFreedPlacePassesOverADisabledAccountOnTheWaitlist()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 1);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        await RsvpAsync(mentor, evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.OtherMentee), evt.Id, true);
        await DisableDirectlyAsync(pair.Mentee.Id);

        await RsvpAsync(mentor, evt.Id, false);

        Assert.Equal(RsvpState.Waitlisted, await AnswerOfAsync(evt.Id, pair.Mentee.Id));
        Assert.Equal(RsvpState.Going, await AnswerOfAsync(evt.Id, pair.OtherMentee.Id));
        Assert.Empty(await NoticesAsync(pair.Mentee.Id));
    }

    [Fact]
    public async Task AnAnswerCrossingACancellationIs409AndNotTaken()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null);

        var answered = await DeletedMeanwhile.RunAsync<RespondToEvent, Outcome<EventView>>(fixture.Tandem,
            db => db.Set<ProgramEvent>().Where(e => e.Id == evt.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.CancelledAt, Now)),
            r => r.RunAsync(new Actor(pair.Mentee.Id, false), evt.Id, true));

        var conflict = Assert.IsType<Conflict>(answered.Failure);
        Assert.Equal("This event was cancelled while you answered, so your answer was not taken.", conflict.Detail);
        Assert.Null(await AnswerOfAsync(evt.Id, pair.Mentee.Id));
    }

    [Fact]
    public async Task OfTwoCancellationsAtOnceOneTellsAndTheOtherIs409()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        var coordinator = new Actor(pair.School.Coordinator.Id, false);

        var second = await DeletedMeanwhile.RunAsync<CancelEvent, Outcome<EventView>>(fixture.Tandem,
            async _ => Assert.Null((await fixture.WithScopeAsync(s => s.GetRequiredService<CancelEvent>().RunAsync(coordinator, evt.Id))).Failure),
            c => c.RunAsync(coordinator, evt.Id));

        var conflict = Assert.IsType<Conflict>(second.Failure);
        Assert.Equal("This event is already cancelled.", conflict.Detail);
        Assert.Single(await NoticesAsync(pair.Mentee.Id), t => t.EndsWith("Book swap evening is cancelled"));
        Assert.Equal(1, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ProgramEvent>().Where(e => e.Id == evt.Id).Select(e => e.Sequence).SingleAsync()));
    }

    [Fact]
    public async Task AMentorHostingTheMenteesEventFindsItWithItsLinkAndIsToldWhenItIsCancelled()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null, audience: "Mentees", host: pair.Mentor.Id, videoLink: "https://meet.example.org/hosted-room");
        var mentor = await fixture.SignInAsync(pair.Mentor);

        var listed = (await mentor.GetFromJsonAsync<Paged<EventView>>($"/api/v1/programs/{pair.ProgramId}/events", Json.Options))!;
        Assert.Equal([evt.Id], listed.Items.Select(e => e.Id));
        var page = await (await fixture.SignInPagesAsync(pair.Mentor)).Http.GetStringAsync($"/programs/{pair.ProgramId}/events");
        Assert.Contains("href=\"https://meet.example.org/hosted-room\"", page);

        (await pair.Coordinator.PostAsync($"/api/v1/events/{evt.Id}/cancel", Json.Empty())).EnsureSuccessStatusCode();
        Assert.Contains(await NoticesAsync(pair.Mentor.Id), t => t.EndsWith("Book swap evening is cancelled"));
    }

    [Fact]
    public async Task TheKeptCountStaysRightWhenAnAnswerCrossesAnother()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 2);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentor), evt.Id, true);

        // The mentee's answer read the event (one going) before the mentor gave their place up and committed.
        var answered = await DeletedMeanwhile.RunAsync<RespondToEvent, Outcome<EventView>>(fixture.Tandem,
            async _ => Assert.Null((await fixture.WithScopeAsync(s => s.GetRequiredService<RespondToEvent>().RunAsync(new Actor(pair.Mentor.Id, false), evt.Id, false))).Failure),
            r => r.RunAsync(new Actor(pair.Mentee.Id, false), evt.Id, true));

        Assert.Null(answered.Failure);
        Assert.Equal((1, 1), await CountsAsync(evt.Id));
        Assert.Equal(1, (await pair.Coordinator.GetFromJsonAsync<EventView>($"/api/v1/events/{evt.Id}", Json.Options))!.PlacesLeft);
    }

    [Fact]
    public async Task TheAttendanceListComesAPageAtATimeInItsOrder()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: 1);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentor), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.OtherMentee), evt.Id, false);
        var url = $"/api/v1/events/{evt.Id}/attendance";

        var first = JsonNode.Parse(await pair.Coordinator.GetStringAsync($"{url}?page=1&pageSize=2"))!["people"]!;
        var second = JsonNode.Parse(await pair.Coordinator.GetStringAsync($"{url}?page=2&pageSize=2"))!["people"]!;

        Assert.Equal(3, first["totalCount"]!.GetValue<int>());
        Assert.Equal([pair.Mentee.Id, pair.Mentor.Id], first["items"]!.AsArray().Select(p => p!["userId"]!.GetValue<Guid>()));
        Assert.Equal([pair.OtherMentee.Id], second["items"]!.AsArray().Select(p => p!["userId"]!.GetValue<Guid>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.GetAsync($"{url}?pageSize=1000")).StatusCode);
    }

    [Fact]
    public async Task AReadOfAMinorsAttendanceByTheHostOrACoordinatorIsWrittenToTheAuditLog()
    {
        var pair = await fixture.PairAsync();
        var evt = await CreateAsync(pair, capacity: null, audience: "Mentees", host: pair.Mentor.Id);
        await RsvpAsync(await fixture.SignInAsync(pair.Mentee), evt.Id, true);
        await RsvpAsync(await fixture.SignInAsync(pair.OtherMentee), evt.Id, true);
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var application = new Application(pair.ProgramId, pair.Mentee.Id, ProgramRole.Mentee, null, Now);
            application.SaveDraft(null, "{}", true, 15, "Pat Parent", "pat.parent@test.example", Now);
            db.Add(application);
            return await db.SaveChangesAsync();
        });

        (await pair.Coordinator.GetAsync($"/api/v1/events/{evt.Id}/attendance")).EnsureSuccessStatusCode();
        Assert.Contains(pair.Mentee.DisplayName, await (await fixture.SignInPagesAsync(pair.Mentor)).Http.GetStringAsync(EventLinks.Attendance(pair.ProgramId, evt.Id)));

        var entries = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Purpose == "Reading an event's attendance" && e.RecordId == evt.Id).ToListAsync());
        Assert.Equal([pair.School.Coordinator.Id, pair.Mentor.Id], entries.OrderBy(e => e.Sequence).Select(e => e.ActorUserId));
        Assert.All(entries, e => Assert.Equal((pair.Mentee.Id, pair.ProgramId, "EventAttendance"), (e.SubjectUserId, e.ProgramId!.Value, e.Record.ToString())));
        // The minor's own access log says what was read in words.
        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        Assert.Contains("Whether you came to an event you answered", WebUtility.HtmlDecode(await mentee.Http.GetStringAsync("/my/access-log")));
    }

    [Fact]
    public async Task AnEventDeletedMeanwhileIs404ForAnswersAttendanceAndReading()
    {
        var pair = await fixture.PairAsync();
        Task<int> Delete(TandemDb db, Guid id) => db.Set<ProgramEvent>().Where(e => e.Id == id).ExecuteDeleteAsync();
        var answered = await CreateAsync(pair, capacity: null);
        var read = await CreateAsync(pair, capacity: null);
        // One that has started, set up directly (the API refuses a start in the past), with the mentee's answer.
        var started = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var evt = new ProgramEvent(pair.ProgramId, EventKind.Workshop, "Started", "", Now.AddHours(-1), Now.AddHours(1), "UTC", "Hall", null,
                EventAudience.Everyone, null, null, pair.School.Coordinator.Id, Now.AddDays(-1));
            db.Add(evt);
            db.Add(new EventRsvp(evt.Id, pair.Mentee.Id, RsvpState.Going, 1, Now.AddDays(-1)));
            await db.SaveChangesAsync();
            return evt.Id;
        });
        var coordinator = new Actor(pair.School.Coordinator.Id, false);

        var answer = await DeletedMeanwhile.RunAsync<RespondToEvent, Outcome<EventView>>(fixture.Tandem, db => Delete(db, answered.Id),
            r => r.RunAsync(new Actor(pair.Mentee.Id, false), answered.Id, true));
        var attendance = await DeletedMeanwhile.RunAsync<RecordEventAttendance, Outcome<EventAttendanceView>>(fixture.Tandem, db => Delete(db, started),
            r => r.RunAsync(coordinator, started, new RecordAttendanceRequest { Entries = [new AttendanceMark { UserId = pair.Mentee.Id, Attended = true }] }));
        var view = await DeletedMeanwhile.RunAsync<GetEvent, Outcome<EventView>>(fixture.Tandem, db => Delete(db, read.Id),
            g => g.RunAsync(coordinator, read.Id), beforeReading: "EventRsvps");

        Assert.All(new[] { answer.Failure, attendance.Failure, view.Failure }, f => Assert.Equal(("No event with this id is visible to you.", 404), (f!.Detail, f.StatusCode())));
    }
}
