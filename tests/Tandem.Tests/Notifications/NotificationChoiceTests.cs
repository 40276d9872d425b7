using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Notifications;

/// <summary>Choices per kind of notification (in the app, e-mail at once, daily digest) and the digest itself (ADR 57).</summary>
public sealed class NotificationChoiceTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private const string Preferences = "/api/v1/me/notification-preferences";

    private Task NotifyAsync(Guid userId, NotificationKind kind, string title, string body = "Something happened.", string? link = "/programs") =>
        fixture.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<Notify>().RunAsync(userId, kind, title, body, link, CancellationToken.None);
            return 0;
        });

    /// <summary>One digest pass as if it were <paramref name="at"/> (the hook the worker and `tandem notifications digest --at` use).</summary>
    private Task<DigestRun> DigestAsync(DateTime at) =>
        fixture.WithScopeAsync(s => s.GetRequiredService<SendDailyDigests>().RunAsync(at, CancellationToken.None));

    /// <summary>Two days after the notifications: past the digest hour (17:00 on the person's clock) whatever the zone.</summary>
    private DateTime Later => fixture.Clock.GetUtcNow().UtcDateTime.AddDays(2);

    private static async Task<Dictionary<NotificationKind, NotificationChoiceView>> ChoicesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<NotificationPreferenceView>(Preferences, Json.Options))!.Choices.ToDictionary(c => c.Kind);

    private static async Task ChooseAsync(HttpClient client, object choices)
    {
        var response = await client.PutAsJsonAsync(Preferences, new { choices });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EveryKindIsEmailedAtOnceUntilSomeoneChoosesAndTheChoicesAreStoredPerKind()
    {
        var person = await fixture.Tandem.CreateUserAsync("Cass Hooser");
        var client = await fixture.SignInAsync(person);

        var before = (await client.GetFromJsonAsync<NotificationPreferenceView>(Preferences, Json.Options))!;
        Assert.True(before.Email);
        Assert.Equal(17, before.DigestHour);
        Assert.Equal(Enum.GetValues<NotificationKind>(), before.Choices.Select(c => c.Kind));
        Assert.All(before.Choices, c => Assert.Equal(NotificationChoice.Email, c.Choice));
        Assert.Equal([NotificationKind.Safeguarding, NotificationKind.Privacy], before.Choices.Where(c => !c.CanChange).Select(c => c.Kind));

        await ChooseAsync(client, new { Meetings = "DailyDigest", announcements = "inapp", Surveys = "Email" });
        var after = await ChoicesAsync(client);
        Assert.Equal(NotificationChoice.DailyDigest, after[NotificationKind.Meetings].Choice);
        Assert.Equal(NotificationChoice.InApp, after[NotificationKind.Announcements].Choice);
        Assert.Equal(NotificationChoice.Email, after[NotificationKind.Surveys].Choice);
        Assert.Equal(NotificationChoice.Email, after[NotificationKind.Reminders].Choice);

        // Naming some kinds leaves the others as they were.
        await ChooseAsync(client, new { Reminders = "InApp" });
        after = await ChoicesAsync(client);
        Assert.Equal(NotificationChoice.DailyDigest, after[NotificationKind.Meetings].Choice);
        Assert.Equal(NotificationChoice.InApp, after[NotificationKind.Reminders].Choice);
    }

    [Fact]
    public async Task TheEmailFlagFromBeforeChoicesStillSetsEveryKindButNeverSafeguarding()
    {
        var person = await fixture.Tandem.CreateUserAsync("Old Clientson");
        var client = await fixture.SignInAsync(person);

        (await client.PutAsJsonAsync(Preferences, new { email = false })).EnsureSuccessStatusCode();
        var off = (await client.GetFromJsonAsync<NotificationPreferenceView>(Preferences, Json.Options))!;
        Assert.False(off.Email);
        Assert.All(off.Choices.Where(c => c.CanChange), c => Assert.Equal(NotificationChoice.InApp, c.Choice));
        Assert.All(off.Choices.Where(c => !c.CanChange), c => Assert.Equal(NotificationChoice.Email, c.Choice));

        // A safeguarding notice still reaches them by e-mail at once; a message does not.
        await NotifyAsync(person.Id, NotificationKind.Messages, "Only in the app");
        await NotifyAsync(person.Id, NotificationKind.Safeguarding, "New concern in Reading Buddies");
        var mail = Assert.Single(await fixture.Smtp.ForAsync(person.Email));
        Assert.Equal("New concern in Reading Buddies", mail.Subject);

        // Both together: the flag first, then the choices named.
        (await client.PutAsJsonAsync(Preferences, new { email = true, choices = new { Announcements = "DailyDigest" } })).EnsureSuccessStatusCode();
        var on = await ChoicesAsync(client);
        Assert.Equal(NotificationChoice.Email, on[NotificationKind.Messages].Choice);
        Assert.Equal(NotificationChoice.DailyDigest, on[NotificationKind.Announcements].Choice);
    }

    [Fact]
    public async Task UnknownKindsAndChoicesAndTurningSafeguardingOffAreRefusedWithProblemDetails()
    {
        var person = await fixture.Tandem.CreateUserAsync("Val Idation");
        var client = await fixture.SignInAsync(person);

        async Task<JsonElement> RefusedAsync(object body, string field)
        {
            var response = await client.PutAsJsonAsync(Preferences, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field} in {problem}");
            return problem;
        }

        await RefusedAsync(new { choices = new Dictionary<string, string> { ["Gossip"] = "Email" } }, "choices.Gossip");
        await RefusedAsync(new { choices = new { Meetings = "Pigeon" } }, "choices.Meetings");
        await RefusedAsync(new { choices = new { Meetings = "1" } }, "choices.Meetings");
        await RefusedAsync(new { choices = new Dictionary<string, string> { ["3"] = "Email" } }, "choices.3");
        var safeguarding = await RefusedAsync(new { choices = new { Safeguarding = "InApp" } }, "choices.Safeguarding");
        Assert.Contains("always e-mailed at once", safeguarding.ToString());
        await RefusedAsync(new { choices = new { Privacy = "DailyDigest" } }, "choices.Privacy");
        await RefusedAsync(new { }, "choices");
        // Not even JSON of the right shape: the framework's own 400, a ProblemDetails all the same.
        var wrongShape = await client.PutAsync(Preferences, new StringContent("""{"choices":5}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongShape.StatusCode);
        Assert.Equal("application/problem+json", wrongShape.Content.Headers.ContentType?.MediaType);

        // A refused request changes nothing, not even its valid parts; saying "Email" for safeguarding is accepted as it is.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync(Preferences, new { choices = new { Meetings = "InApp", Gossip = "Email" } })).StatusCode);
        Assert.Equal(NotificationChoice.Email, (await ChoicesAsync(client))[NotificationKind.Meetings].Choice);
        await ChooseAsync(client, new { Safeguarding = "Email" });
    }

    [Fact]
    public async Task PeopleReadAndChangeOnlyTheirOwnChoices()
    {
        var one = await fixture.Tandem.CreateUserAsync("Una Own");
        var other = await fixture.Tandem.CreateUserAsync("Otto Wn");
        var oneClient = await fixture.SignInAsync(one);
        var otherClient = await fixture.SignInAsync(other);

        await ChooseAsync(oneClient, new { Meetings = "InApp" });
        await ChooseAsync(otherClient, new { Meetings = "DailyDigest" });

        Assert.Equal(NotificationChoice.InApp, (await ChoicesAsync(oneClient))[NotificationKind.Meetings].Choice);
        Assert.Equal(NotificationChoice.DailyDigest, (await ChoicesAsync(otherClient))[NotificationKind.Meetings].Choice);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Tandem.AnonymousClient().GetAsync(Preferences)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Tandem.AnonymousClient().PutAsJsonAsync(Preferences, new { email = false })).StatusCode);

        // Each one's choice is applied to their own notifications only.
        await NotifyAsync(one.Id, NotificationKind.Meetings, "Meeting moved");
        await NotifyAsync(other.Id, NotificationKind.Meetings, "Meeting moved");
        Assert.Empty(await fixture.OutboxForAsync(one.Email));
        Assert.Empty(await fixture.OutboxForAsync(other.Email));
        await DigestAsync(Later);
        Assert.Empty(await fixture.OutboxForAsync(one.Email));
        Assert.Single(await fixture.Smtp.ForAsync(other.Email));
    }

    [Fact]
    public async Task AnEmailKindIsMailedAtOnceADigestKindWaitsForOneDailyDigestAndInAppOnlyIsNeverMailed()
    {
        var person = await fixture.Tandem.CreateUserAsync("Di Gest");
        var client = await fixture.SignInAsync(person);
        await ChooseAsync(client, new { Reminders = "Email", Announcements = "DailyDigest", Meetings = "DailyDigest", Surveys = "InApp" });
        var longBody = "Bring a book you love. " + new string('x', 400) + " THE-END-OF-THE-BODY";

        await NotifyAsync(person.Id, NotificationKind.Reminders, "Meeting tomorrow", "Library, 16:00.");
        await NotifyAsync(person.Id, NotificationKind.Announcements, "Reading Buddies: Sports day", "No meetings on Friday.", "/programs");
        await NotifyAsync(person.Id, NotificationKind.Meetings, "Mona proposed a meeting", longBody, "/relationships/mine/meetings");
        await NotifyAsync(person.Id, NotificationKind.Surveys, "A survey for you", "Two minutes.");

        // At once: only the e-mail kind.
        var atOnce = Assert.Single(await fixture.Smtp.ForAsync(person.Email));
        Assert.Equal("Meeting tomorrow", atOnce.Subject);
        Assert.Single(await fixture.OutboxForAsync(person.Email));
        var list = (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!;
        Assert.Equal(4, list.Items.Count);

        // Before the digest hour has come round since they were made, nothing goes.
        await DigestAsync(fixture.Clock.GetUtcNow().UtcDateTime.AddMinutes(1));
        Assert.Single(await fixture.OutboxForAsync(person.Email));

        // The digest: one e-mail, the digest kinds only, grouped by kind, with the links; bodies clipped.
        await DigestAsync(Later);
        var mails = await fixture.Smtp.ForAsync(person.Email, expected: 2);
        var digest = mails.Single(m => m.Subject?.StartsWith("Your Tandem digest", StringComparison.Ordinal) == true);
        Assert.Equal("Your Tandem digest: 2 notifications", digest.Subject);
        Assert.Contains("Reading Buddies: Sports day", digest.TextBody);
        Assert.Contains("No meetings on Friday.", digest.TextBody);
        Assert.Contains("Mona proposed a meeting", digest.TextBody);
        Assert.Contains("https://tandem.test/relationships/mine/meetings", digest.TextBody);
        Assert.Contains("Announcements", digest.TextBody);
        Assert.Contains("Bring a book you love.", digest.TextBody);
        Assert.DoesNotContain("THE-END-OF-THE-BODY", digest.TextBody);
        Assert.DoesNotContain("Meeting tomorrow", digest.TextBody);
        Assert.DoesNotContain("A survey for you", digest.TextBody);
        Assert.Contains("Sports day", digest.HtmlBody);

        // A second pass, the same day or later, sends nothing more: what was listed is marked digested.
        await DigestAsync(Later);
        await DigestAsync(Later.AddDays(1));
        Assert.Equal(2, (await fixture.OutboxForAsync(person.Email)).Count);
        Assert.Equal(2, fixture.Smtp.CountFor(person.Email));
    }

    [Fact]
    public async Task TwoPassesAtOnceAsOnTwoNodesSendOneDigestAndNobodyWithNothingWaitingGetsOne()
    {
        var busy = await fixture.Tandem.CreateUserAsync("Bea Zee");
        var idle = await fixture.Tandem.CreateUserAsync("Ida Le");
        await ChooseAsync(await fixture.SignInAsync(busy), new { Messages = "DailyDigest" });
        await ChooseAsync(await fixture.SignInAsync(idle), new { Messages = "DailyDigest" });
        for (var i = 0; i < 3; i++)
        {
            await NotifyAsync(busy.Id, NotificationKind.Messages, $"Message {i}");
        }

        var at = Later;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DigestAsync(at))));

        var digest = Assert.Single(await fixture.Smtp.ForAsync(busy.Email));
        Assert.Equal("Your Tandem digest: 3 notifications", digest.Subject);
        Assert.Single(await fixture.OutboxForAsync(busy.Email));
        Assert.Empty(await fixture.OutboxForAsync(idle.Email));
        var stored = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<NotificationDigest>().Where(d => d.UserId == busy.Id).ToListAsync());
        Assert.Equal(3, Assert.Single(stored).Count);
    }

    [Fact]
    public async Task TheCommandRunsOneDigestPassAtTheTimeGiven()
    {
        var person = await fixture.Tandem.CreateUserAsync("Cli Digest");
        await ChooseAsync(await fixture.SignInAsync(person), new { Surveys = "DailyDigest" });
        await NotifyAsync(person.Id, NotificationKind.Surveys, "A survey for you", "Two minutes.");

        async Task<(int Code, string Out)> CliAsync(params string[] command)
        {
            var stdout = new StringWriter();
            var code = await TandemCli.RunAsync(
            [
                .. command,
                $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={fixture.Tandem.ConnectionString}",
                "--Email:Smtp:Host=127.0.0.1", $"--Email:Smtp:Port={fixture.Smtp.Port}", "--Email:Smtp:Security=None",
                "--Email:PublicBaseUrl=https://tandem.test", "--Logging:LogLevel:Default=Warning",
            ], stdout, stdout);
            return (code, stdout.ToString());
        }

        var refused = await CliAsync("notifications", "digest", "--at", "tomorrow-ish");
        Assert.Equal(2, refused.Code);
        Assert.Contains("Nothing was sent", refused.Out);
        Assert.Equal(0, fixture.Smtp.CountFor(person.Email));

        var at = Later.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var (code, output) = await CliAsync("notifications", "digest", "--at", at);
        Assert.Equal(0, code);
        Assert.Matches(@"[1-9]\d* digests e-mailed", output);
        Assert.Equal("Your Tandem digest: 1 notification", Assert.Single(await fixture.Smtp.ForAsync(person.Email)).Subject);
        Assert.Equal(0, (await CliAsync("notifications", "digest", "--at", at)).Code);
        Assert.Single(await fixture.OutboxForAsync(person.Email));
    }

    [Fact]
    public void TheDigestTimeIsTheDigestHourOnThePersonsOwnClock()
    {
        // 1 February 2027: London is on UTC, New York five hours behind.
        var now = new DateTime(2027, 2, 1, 18, 0, 0, DateTimeKind.Utc);
        Assert.Equal(new DateTime(2027, 2, 1, 17, 0, 0), SendDailyDigests.DueAt(now, "Europe/London", 17));
        Assert.Equal(new DateTime(2027, 1, 31, 22, 0, 0), SendDailyDigests.DueAt(now, "America/New_York", 17));
        Assert.Equal(new DateTime(2027, 2, 1, 22, 0, 0), SendDailyDigests.DueAt(now.AddHours(4), "America/New_York", 17));
        // In summer London is an hour ahead of UTC.
        Assert.Equal(new DateTime(2027, 7, 1, 16, 0, 0), SendDailyDigests.DueAt(new DateTime(2027, 7, 1, 16, 0, 0, DateTimeKind.Utc), "Europe/London", 17));
    }

    [Fact]
    public async Task TheMigrationKeepsEveryoneWhoTurnedEmailOffInTheAppOnly()
    {
        var connectionString = TestDatabase.NewConnectionString();
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connectionString);
        await using var db = new TandemDb(options.Options);
        try
        {
            var migrator = db.GetInfrastructure().GetRequiredService<IMigrator>();
            var migrations = db.Database.GetMigrations().ToList();
            var ours = migrations.Single(m => m.EndsWith("_NotificationChoicesAndDigest", StringComparison.Ordinal));
            await migrator.MigrateAsync(migrations[migrations.IndexOf(ours) - 1]);

            var quiet = Guid.NewGuid();
            var loud = Guid.NewGuid();
            foreach (var (id, name, email) in new[] { (quiet, "quiet", false), (loud, "loud", true) })
            {
                var created = new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                var address = $"{name}@test.example";
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "AspNetUsers" ("Id", "AccessFailedCount", "CreatedAt", "DisplayName", "EmailConfirmed", "IsDisabled", "LockoutEnabled", "PhoneNumberConfirmed", "TimeZoneId", "TwoFactorEnabled", "Email")
                    VALUES ({id}, 0, {created}, {name}, {false}, {false}, {false}, {false}, 'UTC', {false}, {address})
                    """);
                await db.Database.ExecuteSqlAsync($"""INSERT INTO "NotificationPreferences" ("UserId", "Email", "UpdatedAt") VALUES ({id}, {email}, {created})""");
            }

            await migrator.MigrateAsync();

            var rows = await db.Set<NotificationPreference>().AsNoTracking().ToListAsync();
            Assert.Equal(NotificationKinds.Changeable.Order(), rows.Where(r => r.UserId == quiet).Select(r => r.Kind).Order());
            Assert.All(rows, r => Assert.Equal(NotificationChoice.InApp, r.Choice));
            Assert.DoesNotContain(rows, r => r.UserId == loud); // no row: every kind e-mailed at once, as before
        }
        finally
        {
            await db.Database.EnsureDeletedAsync();
        }
    }
}
