using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Recruitment;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Notifications;

/// <summary>
/// The outbox against a real SMTP server that is down at first: each test runs its own app nodes on the shared
/// database, told about an SMTP port where the server is started only later, with their own fake clock.
/// </summary>
public sealed class MailOutboxTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private WebApplicationFactory<Program> Node(int smtpPort, FakeTimeProvider clock, bool worker) => fixture.Tandem.WithWebHostBuilder(b =>
    {
        b.UseTestSmtp(smtpPort);
        b.UseSetting("Email:Outbox:WorkerEnabled", worker ? "true" : "false");
        b.UseSetting("Email:Outbox:Interval", "00:00:30");
        b.UseSetting("Engagement:RemindersEnabled", "false");
        b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
    });

    private static Task<HttpClient> SignInAsync(WebApplicationFactory<Program> node, UserSummary user) => node.SignedInClientAsync(user);

    private static async Task ProposeAsync(HttpClient client, Guid relationshipId, DateTimeOffset at)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/relationships/{relationshipId}/meetings",
            new { startsAt = at, durationMinutes = 60, mode = "InPerson", place = "Library", title = "Reading together" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private Task<List<OutgoingEmail>> QueuedForAsync(string email) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<OutgoingEmail>().AsNoTracking().Where(e => e.Recipient == email).ToListAsync());

    private static async Task<NotificationView> LatestNotificationAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Paged<NotificationView>>("/api/v1/me/notifications", Json.Options))!.Items[0];

    /// <summary>One pass of the outbox on this node, as a worker tick runs it.</summary>
    private static async Task<OutboxRun> PassAsync(WebApplicationFactory<Program> node)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MailOutbox>().DeliverDueAsync();
    }

    /// <summary>Waits (10 s at most) for something the background worker does; the assertions after it say what was missing.</summary>
    private static async Task UntilAsync(Func<Task<bool>> done)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !await done() && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50);
        }
    }

    private static bool HasIcs(MimeMessage message) => message.Attachments.OfType<MimePart>().Any(a => a.FileName == "invite.ics");

    [Fact]
    public async Task WhenTheSmtpServerIsDownAMeetingEmailStaysQueuedAndArrivesOnceAfterTheServerIsBackAndTheBackoffPassed()
    {
        var pair = await fixture.PairAsync();
        var port = SmtpCapture.FreePort();
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var node = Node(port, clock, worker: true);
        var mentee = await SignInAsync(node, pair.Mentee);
        var mentor = await SignInAsync(node, pair.Mentor);

        await ProposeAsync(mentee, pair.RelationshipId, clock.GetUtcNow().AddDays(3));

        var queued = Assert.Single(await QueuedForAsync(pair.Mentor.Email));
        Assert.Null(queued.SentAt);
        Assert.Equal(1, queued.Attempts);
        Assert.NotNull(queued.LastError);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddMinutes(1), queued.NextAttemptAt);
        var notice = await LatestNotificationAsync(mentor);
        Assert.Equal("New meeting proposed", notice.Title);
        Assert.False(notice.Emailed);

        await using var smtp = new SmtpCapture(port);
        // The server is back, but the next attempt is not due yet: a pass (a worker tick) before the backoff sends nothing.
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, (await PassAsync(node)).Claimed);
        Assert.Equal(0, smtp.CountFor(pair.Mentor.Email));

        IReadOnlyList<MimeMessage> received = [];
        for (var tick = 0; tick < 10 && received.Count == 0; tick++)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            received = await smtp.ForAsync(pair.Mentor.Email, timeout: TimeSpan.FromSeconds(2));
        }
        var message = Assert.Single(received);
        Assert.True(HasIcs(message));
        Assert.Contains("proposed a meeting", message.Subject);

        // Right after the server took it, the worker marks it sent and the notification e-mailed; later passes find nothing to send.
        await UntilAsync(async () => (await LatestNotificationAsync(mentor)).Emailed);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, (await PassAsync(node)).Claimed);
        Assert.Equal(1, smtp.CountFor(pair.Mentor.Email));
        var sent = Assert.Single(await QueuedForAsync(pair.Mentor.Email));
        Assert.NotNull(sent.SentAt);
        Assert.Equal(2, sent.Attempts);
        Assert.True((await LatestNotificationAsync(mentor)).Emailed); // marked when the outbox delivered it
    }

    [Fact]
    public async Task TwoWorkersRunningAtOnceDeliverAQueuedEmailOnce()
    {
        var pair = await fixture.PairAsync();
        var port = SmtpCapture.FreePort();
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var first = Node(port, clock, worker: false);
        await using var second = Node(port, clock, worker: false);
        await ProposeAsync(await SignInAsync(first, pair.Mentor), pair.RelationshipId, clock.GetUtcNow().AddDays(4));
        Assert.Null(Assert.Single(await QueuedForAsync(pair.Mentee.Email)).SentAt);

        await using var smtp = new SmtpCapture(port);
        clock.Advance(TimeSpan.FromMinutes(2));
        var runs = await Task.WhenAll(PassAsync(first), PassAsync(second), PassAsync(first), PassAsync(second));

        Assert.Equal(1, runs.Sum(r => r.Sent));
        Assert.True(HasIcs(Assert.Single(await smtp.ForAsync(pair.Mentee.Email))));
        Assert.Equal(0, (await Task.WhenAll(PassAsync(first), PassAsync(second))).Sum(r => r.Claimed));
        Assert.NotNull(Assert.Single(await QueuedForAsync(pair.Mentee.Email)).SentAt);
        Assert.Equal(1, smtp.CountFor(pair.Mentee.Email));
    }

    [Fact]
    public async Task AMessageThatKeepsFailingIsGivenUpAfterTheLastAttemptAndTheOperatorListsAndRetriesIt()
    {
        var person = await fixture.Tandem.CreateUserAsync("Gina Veup");
        var port = SmtpCapture.FreePort();
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var node = Node(port, clock, worker: false);
        await using (var scope = node.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Notify>().RunAsync(person.Id, NotificationKind.Messages, "Hello", "Anyone there?", null);
        }

        var options = node.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmailOptions>>().Value.Outbox;
        for (var attempt = 1; attempt < options.MaxAttempts; attempt++)
        {
            clock.Advance(options.DelayAfter(attempt));
            await using var scope = node.Services.CreateAsyncScope();
            Assert.Equal(1, (await scope.ServiceProvider.GetRequiredService<MailOutbox>().DeliverDueAsync()).Claimed);
        }

        var given = Assert.Single(await QueuedForAsync(person.Email));
        Assert.NotNull(given.GaveUpAt);
        Assert.Null(given.SentAt);
        Assert.Equal(options.MaxAttempts, given.Attempts);
        clock.Advance(TimeSpan.FromDays(1));
        await using (var scope = node.Services.CreateAsyncScope())
        {
            Assert.Equal(0, (await scope.ServiceProvider.GetRequiredService<MailOutbox>().DeliverDueAsync()).Claimed);
        }

        // The operator sees it with its error, starts the server and retries it from the command line.
        var (code, listed) = await CliAsync(port, "mail", "queue");
        Assert.Equal(0, code);
        Assert.Contains($"{given.Id}", listed);
        Assert.Contains($"to {person.Email}", listed);
        Assert.Contains("given up", listed);
        await using var smtp = new SmtpCapture(port);
        var (retried, output) = await CliAsync(port, "mail", "retry", "--id", given.Id.ToString());
        Assert.True(retried == 0, output);
        Assert.Contains("1 e-mails made due again: 1 sent now", output);
        Assert.Equal("Hello", Assert.Single(await smtp.ForAsync(person.Email)).Subject);
        Assert.NotNull(Assert.Single(await QueuedForAsync(person.Email)).SentAt);

        // The outbox is not an archive: a sent message is deleted once it is older than KeepFor, not before.
        // (The command line sent it on the real clock, so a node whose clock starts from that moment purges.)
        var sentAt = Assert.Single(await QueuedForAsync(person.Email)).SentAt!.Value;
        var later = new FakeTimeProvider(new DateTimeOffset(sentAt, TimeSpan.Zero) + options.KeepFor - TimeSpan.FromDays(1));
        await using var purging = Node(port, later, worker: false);
        async Task PurgeAsync()
        {
            await using var scope = purging.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<MailOutbox>().PurgeAsync();
        }
        await PurgeAsync();
        Assert.Single(await QueuedForAsync(person.Email));
        later.Advance(TimeSpan.FromDays(2));
        await PurgeAsync();
        Assert.Empty(await QueuedForAsync(person.Email));
    }

    [Fact]
    public async Task MailQueuedForAnAccountDisabledSinceIsGivenUpByTheWorkerAndByMailRetry()
    {
        var retried = await fixture.Tandem.CreateUserAsync("Dee Sabled");
        var waiting = await fixture.Tandem.CreateUserAsync("Dee Layed");
        var port = SmtpCapture.FreePort();
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var node = Node(port, clock, worker: false);
        await using (var scope = node.Services.CreateAsyncScope())
        {
            // Queued while the server is down; then an administrator disables both accounts.
            await scope.ServiceProvider.GetRequiredService<Notify>().RunAsync(retried.Id, NotificationKind.Messages, "Hello", "Anyone there?", null);
            await scope.ServiceProvider.GetRequiredService<Notify>().RunAsync(waiting.Id, NotificationKind.Messages, "Hello", "Anyone there?", null);
        }
        Assert.Null(Assert.Single(await QueuedForAsync(retried.Email)).SentAt);
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Users.Where(u => u.Id == retried.Id || u.Id == waiting.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDisabled, true)));
        await using var smtp = new SmtpCapture(port);

        var (code, output) = await CliAsync(port, "mail", "retry", "--id", Assert.Single(await QueuedForAsync(retried.Email)).Id.ToString());
        Assert.True(code == 0, output);
        var given = Assert.Single(await QueuedForAsync(retried.Email));
        Assert.Equal((null, "the recipient's account is disabled"), (given.SentAt, given.LastError));
        Assert.NotNull(given.GaveUpAt);

        var options = node.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmailOptions>>().Value.Outbox;
        clock.Advance(options.DelayAfter(1));
        await PassAsync(node);
        var held = Assert.Single(await QueuedForAsync(waiting.Email));
        Assert.Equal((null, "the recipient's account is disabled"), (held.SentAt, held.LastError));
        Assert.NotNull(held.GaveUpAt);
        Assert.Equal((0, 0), (smtp.CountFor(retried.Email), smtp.CountFor(waiting.Email)));
    }

    [Fact]
    public async Task AnInvitationSentAgainWhileTheServerWasDownArrivesOnceWithItsNewLinkWhenTheOperatorRetries()
    {
        var school = await School.CreateAsync(fixture.Tandem);
        var port = SmtpCapture.FreePort();
        var clock = new FakeTimeProvider(fixture.Clock.GetUtcNow());
        await using var node = Node(port, clock, worker: false);
        var coordinator = await SignInAsync(node, school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        await coordinator.OpenRecruitmentAsync(program.Id);
        var email = RecruitmentFixture.Email("again");

        // The mail server is down: the invitation waits in the outbox, and the coordinator sends it again (a new link).
        var invited = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/invitations", new { email, role = "Mentee", firstName = "Ivy" });
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        var invitation = (await invited.Content.ReadFromJsonAsync<InvitationView>(Json.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync($"/api/v1/invitations/{invitation.Id}/resend", Json.Empty())).StatusCode);
        var queued = (await QueuedForAsync(email)).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToList();
        Assert.Equal(2, queued.Count);
        Assert.All(queued, e => Assert.Null(e.SentAt));
        string TokenOf(OutgoingEmail row) => RecruitmentFixture.TokenIn(MimeMessage.Load(new MemoryStream(row.Mime)), program.Id);
        var (oldToken, newToken) = (TokenOf(queued[0]), TokenOf(queued[1]));
        Assert.NotEqual(oldToken, newToken);

        // The server is back and the operator retries the outbox, as docs/operations.md says.
        await using var smtp = new SmtpCapture(port);
        var (code, output) = await CliAsync(port, "mail", "retry");

        Assert.True(code == 0, output);
        var message = Assert.Single(await smtp.ForAsync(email));
        Assert.Equal(newToken, RecruitmentFixture.TokenIn(message, program.Id));
        Assert.Equal(1, smtp.CountFor(email));
        var after = (await QueuedForAsync(email)).ToDictionary(e => e.Id);
        Assert.Null(after[queued[0].Id].SentAt);
        Assert.NotNull(after[queued[1].Id].SentAt);
        // The queue shows the old copy as replaced (never sent), not as given up.
        var (listed, queue) = await CliAsync(port, "mail", "queue", "--max", "1000");
        Assert.Equal(0, listed);
        var line = Assert.Single(queue.ReplaceLineEndings("\n").Split('\n'), l => l.StartsWith($"{queued[0].Id}"));
        Assert.Contains("replaced", line);
        Assert.Contains("Replaced by a newer message.", line);
    }

    private async Task<(int Code, string Out)> CliAsync(int smtpPort, params string[] command)
    {
        var stdout = new StringWriter();
        var code = await TandemCli.RunAsync(
        [
            .. command,
            $"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={fixture.Tandem.ConnectionString}",
            "--Email:Smtp:Host=127.0.0.1", $"--Email:Smtp:Port={smtpPort}", "--Email:Smtp:Security=None", "--Logging:LogLevel:Default=Warning",
        ], stdout, stdout);
        return (code, stdout.ToString());
    }
}
