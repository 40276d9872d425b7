using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Meetings;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Engagement;

/// <summary>
/// The app on its own real database, e-mailing over SMTP to an in-process SMTP server, with a clock the tests
/// move forward. The reminder job's timer is off: tests call the use case directly (also concurrently).
/// A test that moves the clock takes an app with a clock of its own (<see cref="WithOwnClockAsync"/>).
/// </summary>
public class PairFixture : IAsyncLifetime
{
    private readonly bool remindersRunning;
    private readonly bool ownsDatabase;
    private Action<IWebHostBuilder>? configureOwn;

    public PairFixture() : this(remindersRunning: false)
    {
    }

    protected PairFixture(bool remindersRunning) : this(new TandemFactory(), new SmtpCapture(), remindersRunning, ownsDatabase: true)
    {
    }

    private PairFixture(TandemFactory tandem, SmtpCapture smtp, bool remindersRunning, bool ownsDatabase)
    {
        Tandem = tandem;
        Smtp = smtp;
        this.remindersRunning = remindersRunning;
        this.ownsDatabase = ownsDatabase;
    }

    public TandemFactory Tandem { get; }
    public SmtpCapture Smtp { get; }
    public FakeTimeProvider Clock { get; } = new(TestClock.Start);
    public WebApplicationFactory<Program> App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // The app's own reminder worker runs (ticking on Clock) only when asked for.
        App = Tandem.WithClock(Clock, b =>
        {
            b.UseTestSmtp(Smtp.Port);
            b.UseSetting("Engagement:RemindersEnabled", remindersRunning ? "true" : "false");
            b.UseSetting("Figures:MaxAge", "00:00:00");
            (configureOwn ?? ConfigureApp)(b);
        });
        if (ownsDatabase)
        {
            // One app for the fixture: the factory's helpers run on it too (ADR 131).
            Tandem.ServeThrough(App);
            await ((IAsyncLifetime)Tandem).InitializeAsync();
        }
    }

    /// <summary>Extra settings of a derived fixture, kept by the apps with their own clocks (the WhatsApp tests' Graph address).</summary>
    protected virtual void ConfigureApp(IWebHostBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        if (ownsDatabase)
        {
            await ((IAsyncLifetime)Tandem).DisposeAsync();
            await Smtp.DisposeAsync();
        }
    }

    /// <summary>
    /// The same database and SMTP server with an app and a clock of its own (starting at <see cref="TestClock.Start"/>),
    /// for one test that moves the clock: no test moves another's time. Dispose it at the end of the test.
    /// </summary>
    public async Task<PairFixture> WithOwnClockAsync()
    {
        var own = new PairFixture(Tandem, Smtp, remindersRunning, ownsDatabase: false) { configureOwn = ConfigureApp };
        await own.InitializeAsync();
        return own;
    }

    /// <summary>Every e-mail the app queued for this address, sent or not (all e-mail goes through the outbox).</summary>
    public Task<List<OutgoingEmail>> OutboxForAsync(string email) => Tandem.OutboxForAsync(email);

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<HttpClient> SignInAsync(UserSummary user) => App.SignedInClientAsync(user);

    public async Task<PageClient> SignInPagesAsync(UserSummary user)
    {
        var page = new PageClient(App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }));
        var response = await page.SubmitAsync("/account/sign-in", "sign-in", [new("Input.Email", user.Email), new("Input.Password", TandemFactory.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return page;
    }

    /// <summary>A weekly mentor-mentee program with one pair that starts today, plus an outsider and a mentee of another pair.</summary>
    public async Task<Pair> PairAsync(string cadence = "Weekly")
    {
        var school = await School.CreateAsync(Tandem);
        var coordinator = await SignInAsync(school.Coordinator);
        var program = ValidProgram(school.Organisation.Id, cadence);
        var created = await coordinator.PostAsJsonAsync("/api/v1/programs", program);
        created.EnsureSuccessStatusCode();
        var programId = (await created.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!.Id;
        var mentor = await Tandem.CreateUserAsync("Mona Tor");
        var otherMentee = await Tandem.CreateUserAsync("Pat Other");
        await Tandem.AddMemberAsync(school.Organisation.Id, mentor, OrganisationRole.Member);
        await Tandem.AddMemberAsync(school.Organisation.Id, otherMentee, OrganisationRole.Member);
        var mentorEnrolment = await EnrolAsync(coordinator, programId, mentor, "Mentor");
        var menteeEnrolment = await EnrolAsync(coordinator, programId, school.Mentee, "Mentee");
        var otherEnrolment = await EnrolAsync(coordinator, programId, otherMentee, "Mentee");
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        var relationship = await WithScopeAsync(async s =>
        {
            var outcome = await s.GetRequiredService<StartRelationship>().RunAsync(new Actor(Guid.Empty, IsAdministrator: true),
                new StartRelationshipRequest(programId, [mentorEnrolment, menteeEnrolment], RelationshipKind.Pair, today, RelationshipSource.Manual, null, null));
            return outcome.Value ?? throw new InvalidOperationException(outcome.Failure!.Detail);
        });
        return new Pair(this, school, programId, relationship.Id, mentor, school.Mentee, otherMentee, coordinator) { OtherMenteeEnrolmentId = otherEnrolment };
    }

    internal static async Task<Guid> EnrolAsync(HttpClient coordinator, Guid programId, UserSummary user, string role)
    {
        var response = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/enrolments", new { email = user.Email, role });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EnrolmentView>(Json.Options))!.Id;
    }

    private static object ValidProgram(Guid organisationId, string cadence) => new
    {
        organisationId,
        name = "Reading Buddies",
        description = "Year 10 students help Year 7 students read for pleasure.",
        targetAudience = "Year 7 (mentees) and Year 10 (mentors)",
        pairing = "MentorMentee",
        guidelines = "Be kind. Be on time.",
        meetingFormats = new[] { "OneToOne", "InPerson" },
        cadence,
        startsOn = "2027-01-10",
        endsOn = "2027-12-30",
        objectives = new[] { new { description = "Pairs read together", target = "80% of pairs meet weekly" } },
    };
}

/// <summary>One mentor-mentee pair in a fresh program.</summary>
public sealed record Pair(PairFixture Fixture, School School, Guid ProgramId, Guid RelationshipId,
    UserSummary Mentor, UserSummary Mentee, UserSummary OtherMentee, HttpClient Coordinator)
{
    public Guid OtherMenteeEnrolmentId { get; init; }

    /// <summary>A second pair in the same program (a new mentor with the other mentee), starting today.</summary>
    public async Task<Guid> SecondPairAsync()
    {
        var mentor = await Fixture.Tandem.CreateUserAsync("Max Second");
        await Fixture.Tandem.AddMemberAsync(School.Organisation.Id, mentor, OrganisationRole.Member);
        var coordinator = await Fixture.SignInAsync(School.Coordinator);
        var mentorEnrolment = await PairFixture.EnrolAsync(coordinator, ProgramId, mentor, "Mentor");
        var today = DateOnly.FromDateTime(Fixture.Clock.GetUtcNow().UtcDateTime);
        return await Fixture.WithScopeAsync(async s =>
        {
            var outcome = await s.GetRequiredService<StartRelationship>().RunAsync(new Actor(Guid.Empty, IsAdministrator: true),
                new StartRelationshipRequest(ProgramId, [mentorEnrolment, OtherMenteeEnrolmentId], RelationshipKind.Pair, today, RelationshipSource.Manual, null, null));
            return outcome.Value?.Id ?? throw new InvalidOperationException(outcome.Failure!.Detail);
        });
    }

    /// <summary>An accepted meeting of the pair (made directly: scheduling is tested in Meetings/).</summary>
    public Task<Guid> MeetingAsync(DateTime startsAt, int minutes = 60) => Fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var now = Fixture.Clock.GetUtcNow().UtcDateTime;
        var meeting = new Meeting(RelationshipId, ProgramId, Mentee.Id, startsAt, minutes, MeetingMode.InPerson, "Library", null, null, null, now);
        Assert.True(meeting.Accept(Mentor.Id, now));
        db.Add(meeting);
        await db.SaveChangesAsync();
        return meeting.Id;
    });
}

/// <summary>The same, with the reminder worker running on the fake clock.</summary>
public sealed class RunningRemindersFixture() : PairFixture(remindersRunning: true);
