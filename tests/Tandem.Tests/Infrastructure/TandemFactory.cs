using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Organisations;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Email;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// The real app over HTTP, on its own real database (SQLite file or PostgreSQL database), with a fake clock that
/// starts at <see cref="TestClock.Start"/> and moves only when a test moves it.
/// </summary>
public sealed class TandemFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "correct horse battery";

    public string ConnectionString { get; } = TestDatabase.NewMigratedConnectionString();

    /// <summary>The app's data directory (uploaded files, the e-mail pickup folder): a temporary folder of its own, removed at the end.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"tandem-test-data-{Guid.NewGuid():N}");

    /// <summary>The app's clock. A test that moves it gets an app of its own (<see cref="WithClock"/>), so tests never move each other's time.</summary>
    public FakeTimeProvider Clock { get; } = new(TestClock.Start);

    /// <summary>The clock's "today".</summary>
    public DateOnly Today => DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    /// <summary>The same app and database with another clock, and optional extra settings.</summary>
    public WebApplicationFactory<Program> WithClock(FakeTimeProvider clock, Action<IWebHostBuilder>? configure = null) => WithWebHostBuilder(b =>
    {
        configure?.Invoke(b);
        b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", TestDatabase.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Tandem", ConnectionString);
        builder.UseSetting("DataDirectory", DataDirectory);
        builder.UseSetting("Demo:SeedWhenEmpty", "false");
        // Tests sign in far more often than people do, all from one address; the sign-in limit tests set their own.
        builder.UseSetting("SignIn:Limits:PerIpPermitLimit", "1000000");
        builder.UseSetting("SignIn:Limits:PerAccountPermitLimit", "1000000");
        // No background workers: tests run the outbox, the reminder job and request time-outs themselves (or turn one on).
        builder.UseSetting("Email:Outbox:WorkerEnabled", "false");
        builder.UseSetting("Engagement:RemindersEnabled", "false");
        builder.UseSetting("Events:RemindersEnabled", "false");
        // Whole-program figures are worked out on every request: the clock stands still, so a kept figure would never age
        // (KeptFiguresTests turn keeping on).
        builder.UseSetting("Figures:MaxAge", "00:00:00");
        builder.UseSetting("MentorRequests:TimeoutWorkerEnabled", "false");
        builder.UseSetting("Concerns:ReminderWorkerEnabled", "false");
        builder.UseSetting("Notifications:Digest:WorkerEnabled", "false");
        builder.UseSetting("Retention:WorkerEnabled", "false");
        builder.UseSetting("Surveys:Enabled", "false");
        builder.UseSetting("Integrations:Outbox:WorkerEnabled", "false");
        // Slack and Teams webhooks point at the tests' own receiver on http://127.0.0.1 (WebhookReceiver; ADR 55).
        builder.UseSetting("Integrations:AllowLoopbackHttp", "true");
        // Matching runs start when a request on the same host wakes its worker; no host looks for work on its own, so a
        // test that drives runs by hand (MatchingRunTests) is not raced by another host of the same database.
        builder.UseSetting("Matching:PollInterval", "01:00:00");
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Clock);
            s.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = FastPasswordHashes.IterationCount);
        });
    }

    private WebApplicationFactory<Program>? servedBy;

    /// <summary>
    /// Runs this factory's helpers (scopes, users, organisations, clients, the database's set-up) on <paramref name="app"/>: an
    /// app made from this factory (<see cref="WithClock"/>) with a fixture's own clock and settings, so that the fixture starts
    /// one app instead of two (docs/benchmarks.md, "Test suite"; ADR 131). Call before <see cref="InitializeAsync"/>; the
    /// fixture disposes <paramref name="app"/> before this factory.
    /// </summary>
    public void ServeThrough(WebApplicationFactory<Program> app) => servedBy = app;

    private WebApplicationFactory<Program> Served => servedBy ?? this;

    public async Task InitializeAsync()
    {
        await DatabaseSetup.MigrateAsync(Served.Services);
        await using var scope = Served.Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole<Guid>>>();
        if (!await roles.RoleExistsAsync(Actor.AdministratorRole))
        {
            await roles.CreateAsync(new(Actor.AdministratorRole) { Id = Guid.CreateVersion7() });
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (TestDatabase.Provider == DatabaseProvider.Postgres && servedBy is null)
        {
            await using var scope = Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TandemDb>().Database.EnsureDeletedAsync();
        }
        else if (TestDatabase.Provider == DatabaseProvider.Postgres)
        {
            // The app that served the helpers is gone by now: the database is dropped without one.
            var options = new DbContextOptionsBuilder<TandemDb>();
            DatabaseSetup.Configure(options, DatabaseProvider.Postgres, ConnectionString);
            await using var db = new TandemDb(options.Options);
            await db.Database.EnsureDeletedAsync();
        }
        await DisposeAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Served.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    /// <summary>
    /// Every e-mail the app queued for this address, sent or not. All e-mail goes through the outbox and is sent
    /// before the request or job that queued it returns, so "nothing more was sent" is a count here, not a wait.
    /// </summary>
    public Task<List<OutgoingEmail>> OutboxForAsync(string email) => WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<OutgoingEmail>().AsNoTracking().Where(e => e.Recipient.Contains(email)).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync());

    public Task<UserSummary> CreateUserAsync(string name, bool administrator = false, string password = Password) =>
        WithScopeAsync(async s =>
        {
            var outcome = await s.GetRequiredService<CreateUser>().RunAsync(new CreateUserRequest
            {
                Email = $"{name.Replace(' ', '.').ToLowerInvariant()}.{Guid.NewGuid():N}@test.example",
                DisplayName = name,
                Password = password,
                IsAdministrator = administrator,
                TimeZoneId = "Europe/London",
            });
            return outcome.Value ?? throw new InvalidOperationException(outcome.Failure!.Detail);
        });

    public Task<OrganisationView> CreateOrganisationAsync(string name) =>
        WithScopeAsync(async s =>
        {
            var outcome = await s.GetRequiredService<CreateOrganisation>().RunAsync(new CreateOrganisationRequest
            {
                Name = $"{name} {Guid.NewGuid():N}",
                Kind = OrganisationKind.School,
            });
            return outcome.Value ?? throw new InvalidOperationException(outcome.Failure!.Detail);
        });

    public Task AddMemberAsync(Guid organisationId, UserSummary user, OrganisationRole role) =>
        WithScopeAsync(async s =>
        {
            var outcome = await s.GetRequiredService<AddOrganisationMember>().RunAsync(
                new Actor(Guid.Empty, IsAdministrator: true), organisationId, new AddMemberRequest { Email = user.Email, Role = role });
            return outcome.Value ?? throw new InvalidOperationException(outcome.Failure!.Detail);
        });

    public Task<HttpClient> SignedInClientAsync(UserSummary user, string password = Password) => AppClients.SignedInClientAsync(Served, user, password);

    public HttpClient AnonymousClient() => AppClients.AnonymousClient(Served);
}

/// <summary>A small organisation with a coordinator, a mentee and a program, made fresh for one test.</summary>
public sealed record School(
    TandemFactory Factory, OrganisationView Organisation, UserSummary Coordinator, UserSummary Mentee, UserSummary Outsider)
{
    public static async Task<School> CreateAsync(TandemFactory factory)
    {
        var organisation = await factory.CreateOrganisationAsync("Hillside School");
        var coordinator = await factory.CreateUserAsync("Cora Ordinator");
        var mentee = await factory.CreateUserAsync("Menna Tee");
        var outsider = await factory.CreateUserAsync("Otto Sider");
        await factory.AddMemberAsync(organisation.Id, coordinator, OrganisationRole.Coordinator);
        await factory.AddMemberAsync(organisation.Id, mentee, OrganisationRole.Member);
        return new School(factory, organisation, coordinator, mentee, outsider);
    }

    public static object ValidProgram(Guid organisationId, string name = "Reading Buddies") => new
    {
        organisationId,
        name,
        description = "Year 10 students help Year 7 students read for pleasure.",
        targetAudience = "Year 7 (mentees) and Year 10 (mentors)",
        pairing = "MentorMentee",
        guidelines = "Be kind. Be on time.",
        meetingFormats = new[] { "OneToOne", "InPerson" },
        cadence = "Weekly",
        startsOn = "2027-01-10",
        endsOn = "2027-06-30",
        objectives = new[] { new { description = "Pairs read together", target = "80% of pairs meet weekly" } },
    };

    public async Task<ProgramDetails> CreateProgramAsync(HttpClient coordinatorClient, string name = "Reading Buddies")
    {
        var response = await coordinatorClient.PostAsJsonAsync("/api/v1/programs", ValidProgram(Organisation.Id, name));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
    }
}
