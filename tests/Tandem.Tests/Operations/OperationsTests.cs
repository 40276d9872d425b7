using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Demo;
using Tandem.Features.Programs;
using Microsoft.Extensions.Logging;
using Tandem.Infrastructure;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

[RunsLong(30)]
public sealed class OperationsTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task LivenessAndReadinessAnswerHealthyWithTheDatabaseUp()
    {
        var client = factory.AnonymousClient();

        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReadinessFailsWhenTheDatabaseIsUnreachable()
    {
        var broken = factory.WithWebHostBuilder(b => b.UseSetting("Database:MigrateOnStartup", "false").UseSetting("ConnectionStrings:Tandem", TestDatabase.Provider == DatabaseProvider.Sqlite
            ? "Data Source=/nonexistent-dir/none.db;Mode=ReadOnly"
            : "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2"));

        var ready = await broken.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheProgramsApi()
    {
        var document = await factory.AnonymousClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/programs", out var programs));
        Assert.True(programs.TryGetProperty("get", out _));
        Assert.True(programs.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/api/v1/programs/{programId}/status", out _));
        Assert.Equal("Tandem API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task EveryApiOperationHasASummaryAndListsItsProblemAnswers()
    {
        var document = await factory.AnonymousClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var problems = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                if (!operation.Value.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                {
                    problems.Add($"{name}: no summary");
                }
                var responses = operation.Value.GetProperty("responses");
                var expected = new List<string> { "400", "503" };
                if (path.Name.Contains('{'))
                {
                    expected.Add("404");
                }
                if (operation.Name is "post" or "put" or "delete")
                {
                    expected.Add("409");
                }
                foreach (var status in expected)
                {
                    if (!responses.TryGetProperty(status, out var response)
                        || !response.TryGetProperty("content", out var content) || !content.TryGetProperty("application/problem+json", out _))
                    {
                        problems.Add($"{name}: no {status} ProblemDetails answer");
                    }
                }
            }
        }
        var programs = document.GetProperty("paths").GetProperty("/api/v1/relationships/mine").GetProperty("get");
        var signIn = document.GetProperty("paths").GetProperty("/api/v1/auth/sign-in").GetProperty("post");

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal("List my relationships", programs.GetProperty("summary").GetString());
        Assert.True(programs.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(signIn.GetProperty("responses").TryGetProperty("429", out _));
        Assert.False(signIn.GetProperty("responses").TryGetProperty("401", out _));
    }

    [Fact]
    public async Task TheApiReferencePageIsBrowsable()
    {
        var response = await factory.AnonymousClient().GetAsync("/api/reference/v1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Tandem API", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheMigrationsMatchTheModel()
    {
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run dotnet ef migrations add for both providers (docs/operations.md).");
            return 0;
        });
    }

    [Theory]
    [InlineData("Email:Outbox:MaxAttempts", "0")]
    [InlineData("Email:Smtp:Security", "Tls")]
    [InlineData("Email:PublicBaseUrl", "tandem.example")]
    [InlineData("Engagement:MinimumMeetingShare", "2")]
    [InlineData("Recruitment:InvitationLifetimeDays", "0")]
    [InlineData("Programs:ReopenGraceDays", "0")]
    [InlineData("SignIn:Limits:PerAccountPermitLimit", "0")]
    public async Task ASettingOutOfRangeStopsTheStartWithAnErrorNamingIt(string key, string value)
    {
        var error = new StringWriter();

        // A server that did start would never return: fail after a minute rather than hang the run.
        var run = TandemCli.RunAsync(
            [$"--{key}={value}", "--urls", "http://127.0.0.1:0", $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={TestDatabase.NewConnectionString()}"],
            new StringWriter(), error);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1))) == run, "The server started.");

        Assert.Equal(1, await run);
        Assert.StartsWith("Nothing was started: ", error.ToString());
        Assert.Contains(key.Split(':')[^1], error.ToString());
        Assert.DoesNotContain("   at ", error.ToString());
    }

    [Fact]
    public async Task ACommandWithASettingOutOfRangeStopsBeforeTouchingTheDatabaseWithAnErrorNamingIt()
    {
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(
            ["migrate", $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={TestDatabase.NewConnectionString()}",
                "--Email:Outbox:MaxAttempts=0"], output, output);

        Assert.NotEqual(0, exit);
        Assert.Contains("MaxAttempts", output.ToString());
        Assert.DoesNotContain("is up to date", output.ToString());
    }

    [Fact]
    public async Task HelpListsEveryCommand()
    {
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(["--help"], output, new StringWriter());

        Assert.Equal(0, exit);
        foreach (var command in new[] { "serve", "migrate", "seed", "solve" })
        {
            Assert.Contains(command, output.ToString());
        }
    }

    [Fact]
    public async Task DemoSeedMakesARunningProgramWithAboutFortyParticipantsAndWorkingLogins()
    {
        var logins = await factory.WithScopeAsync(s => s.GetRequiredService<SeedDemo>().RunAsync(onlyWhenEmpty: false));
        Assert.NotNull(logins);
        var again = await factory.WithScopeAsync(s => s.GetRequiredService<SeedDemo>().RunAsync(onlyWhenEmpty: false));
        Assert.Null(again);

        var coordinator = factory.AnonymousClient();
        var signIn = await coordinator.PostAsJsonAsync("/api/v1/auth/sign-in", new { logins.For("Coordinator").Email, logins.For("Coordinator").Password });
        Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
        var program = (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{logins.ProgramId}", Json.Options))!;
        Assert.Equal(ProgramStatus.Running, program.Status);
        var participants = program.Participants.GetValueOrDefault(ProgramRole.Mentor) + program.Participants.GetValueOrDefault(ProgramRole.Mentee);
        Assert.InRange(participants, 35, 45);
        Assert.True(program.Objectives.Count >= 2);
        // Running pairs with a history give the coordinator's engagement page one pair of each kind.
        var health = (await coordinator.GetFromJsonAsync<Tandem.Features.Engagement.ProgramHealthView>($"/api/v1/programs/{logins.ProgramId}/health/", Json.Options))!;
        Assert.Equal(
            [Tandem.Features.Engagement.HealthStatus.AtRisk, Tandem.Features.Engagement.HealthStatus.Drifting, Tandem.Features.Engagement.HealthStatus.OnTrack, Tandem.Features.Engagement.HealthStatus.OnTrack],
            health.Relationships.Items.Select(h => h.Status));
        Assert.Contains(health.Relationships.Items, h => h.MeetingsHeld == 2 && h.CheckInsLogged == 4 && h.NextMeetingAt is not null);

        var mentee = factory.AnonymousClient();
        await mentee.PostAsJsonAsync("/api/v1/auth/sign-in", new { logins.For("Mentee").Email, logins.For("Mentee").Password });
        var seen = (await mentee.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{logins.ProgramId}", Json.Options))!;
        Assert.Equal([ProgramRole.Mentee], seen.MyRoles);

        var reset = await factory.WithScopeAsync(s => s.GetRequiredService<SeedDemo>().ResetPasswordsAsync());
        Assert.NotEqual(logins.For("Mentee").Password, reset!.For("Mentee").Password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await mentee.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task SeedDemoWithResetPasswordsOnAnEmptyDatabaseCreatesTheDemoAndPrintsItsLogins()
    {
        var connection = TestDatabase.NewConnectionString();
        var output = new StringWriter();
        try
        {
            var exit = await TandemCli.RunAsync(
                ["seed", "demo", "--reset-passwords", $"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true",
                    $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning"], output, output);

            Assert.True(exit == 0, output.ToString());
            Assert.Contains("Tandem demo data is ready. Sign in with:", output.ToString());
            Assert.Matches(@"Coordinator\s+coordinator@riverside\.example\s+\S{8,}", output.ToString());
            Assert.DoesNotContain("already exists", output.ToString());
        }
        finally
        {
            var options = new DbContextOptionsBuilder<TandemDb>();
            DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
            await using var db = new TandemDb(options.Options);
            await db.Database.EnsureDeletedAsync();
        }
    }

    [Fact]
    public async Task OutsideDevelopmentSeedDemoAddsNothingToADatabaseWithAccountsUnlessToldToGoIn()
    {
        var connection = TestDatabase.NewConnectionString();
        string[] production =
        [
            "--environment=Production", $"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true",
            $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning",
        ];
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        await using var db = new TandemDb(options.Options);
        try
        {
            // An installation in use: it has its first administrator.
            var first = new StringWriter();
            Assert.True(await TandemCli.RunAsync(["users", "add-administrator", "--email", "it@school.example", .. production], first, first) == 0, first.ToString());
            var output = new StringWriter();
            var error = new StringWriter();

            var exit = await TandemCli.RunAsync(["seed", "demo", .. production], output, error);

            Assert.Equal(1, exit);
            Assert.Equal("", output.ToString());
            Assert.Contains("Nothing was added: this Production installation already has accounts", error.ToString());
            Assert.Contains("--into-existing-installation", error.ToString());
            Assert.Equal(["it@school.example"], await db.Users.Select(u => u.Email!).ToListAsync());
            Assert.False(await db.Organisations.AnyAsync(o => o.Name == SeedDemo.OrganisationName));

            // Told to, it goes in.
            output = new StringWriter();
            exit = await TandemCli.RunAsync(["seed", "demo", "--into-existing-installation", .. production], output, output);

            Assert.True(exit == 0, output.ToString());
            Assert.Contains("Tandem demo data is ready. Sign in with:", output.ToString());
            Assert.True(await db.Users.AnyAsync(u => u.Email == SeedDemo.AdministratorEmail));
        }
        finally
        {
            await db.Database.EnsureDeletedAsync();
        }
    }

    [Fact]
    public async Task CommandsKeepTheDatabasesSqlOutOfTheirOutputWhateverTheLoggingSettings()
    {
        // Settings that would print every SQL command (as the issue saw `seed demo` do).
        await using var command = TandemApp.BuildForCommand(
        [
            $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={TestDatabase.NewConnectionString()}",
            "--Logging:LogLevel:Default=Information", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Information",
        ]);
        var logs = command.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(logs.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Information));
        Assert.False(logs.CreateLogger("Microsoft.EntityFrameworkCore.Migrations").IsEnabled(LogLevel.Information));
        Assert.True(logs.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Warning));
        Assert.True(logs.CreateLogger("Tandem.Features.Demo.SeedDemo").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task MigrateCommandBringsAnEmptyDatabaseUpToDate()
    {
        var connection = TestDatabase.NewConnectionString();
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(
            ["migrate", $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={connection}"], output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("up to date", output.ToString());
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        await using var db = new TandemDb(options.Options);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(0, await db.Programs.CountAsync());
        await db.Database.EnsureDeletedAsync();
    }

    [Fact]
    public async Task SeedDemoWhereADemoLoginIsLeftWithoutTheDemoOrganisationSaysSoInOneSentence()
    {
        var connection = TestDatabase.NewConnectionString();
        string[] production =
        [
            "--environment=Production", $"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true",
            $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning",
        ];
        var first = new StringWriter();
        // The demo coordinator's login, kept when the demo organisation was deleted.
        Assert.True(await TandemCli.RunAsync(["users", "add-administrator", "--email", SeedDemo.CoordinatorEmail, .. production], first, first) == 0, first.ToString());
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await TandemCli.RunAsync(["seed", "demo", "--into-existing-installation", .. production], output, error);

        Assert.Equal(1, exit);
        Assert.Contains($"could not create the demo account {SeedDemo.CoordinatorEmail}", error.ToString());
        Assert.Single(error.ToString().TrimEnd().ReplaceLineEndings("\n").Split('\n'));
        Assert.DoesNotContain("Unhandled exception", error.ToString());
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        await using var db = new TandemDb(options.Options);
        Assert.False(await db.Organisations.AnyAsync(o => o.Name == SeedDemo.OrganisationName));
        await db.Database.EnsureDeletedAsync();
    }

    [Fact]
    public async Task MigrateRefusesADatabaseMadeByTheMigrationsFoldedBeforeTheFirstReleaseAndSaysWhatToDo()
    {
        var connection = TestDatabase.NewConnectionString();
        string[] migrate = ["migrate", $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={connection}"];
        Assert.Equal(0, await TandemCli.RunAsync(migrate, new StringWriter(), new StringWriter()));
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        await using var db = new TandemDb(options.Options);
        // A database of an earlier build remembers a migration this build no longer has.
        await db.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ('20261125143658_Matching', '10.0.0')");
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(migrate, output, output);

        Assert.Equal(1, exit);
        Assert.Contains("20261125143658_Matching", output.ToString());
        Assert.Contains("make a new database", output.ToString());
        Assert.DoesNotContain("Unhandled exception", output.ToString());
        Assert.DoesNotContain("up to date", output.ToString());
        await db.Database.EnsureDeletedAsync();
    }
}
