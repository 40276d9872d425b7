using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Tandem.Data;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Matching;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Operations;

/// <summary>
/// Issue 18, item 4: the Prometheus endpoint as a scraper and an administrator read it, and the request id an operator
/// follows from a response to the log lines of that request (docs/operations.md, "Metrics, traces and logs").
/// </summary>
public sealed class ObservabilityTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private const string ScrapeToken = "a-scrape-token-of-forty-characters-00001";

    [Fact]
    public async Task TheMetricsEndpointRefusesAnonymousCallersParticipantsCoordinatorsAndWrongTokens()
    {
        var school = await School.CreateAsync(factory);
        await using var node = factory.WithWebHostBuilder(b => b.UseSetting("Telemetry:Prometheus:ScrapeToken", ScrapeToken));

        var anonymous = await node.AnonymousClient().GetAsync("/metrics");
        var wrongToken = await ScraperClient(node, "a-wrong-token-that-is-forty-characters-01").GetAsync("/metrics");
        var coordinator = await (await node.SignedInClientAsync(school.Coordinator)).GetAsync("/metrics");
        var mentee = await (await node.SignedInClientAsync(school.Mentee)).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, coordinator.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, mentee.StatusCode);
        foreach (var refused in new[] { anonymous, wrongToken, coordinator, mentee })
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.DoesNotContain("http_server_request_duration", body);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task AnAdministratorReadsRequestMetricsInPrometheusText()
    {
        var administrator = await factory.SignedInClientAsync(await factory.CreateUserAsync("Ada Operator", administrator: true));
        for (var i = 0; i < 3; i++)
        {
            (await administrator.GetAsync("/api/v1/me")).EnsureSuccessStatusCode();
        }

        var response = await administrator.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var metrics = Prometheus.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(metrics.Sum("http_server_request_duration_seconds_count", ("http_route", "/api/v1/me"), ("http_response_status_code", "200")) >= 3,
            metrics.Describe("http_server_request_duration_seconds_count"));
        // The runtime's own meter and EF Core's.
        Assert.True(metrics.Has("dotnet_gc_collections_total") || metrics.Has("dotnet_process_cpu_time_seconds_total"), metrics.Describe("dotnet_"));
        Assert.True(metrics.Has("microsoft_entityframeworkcore_active_dbcontexts"), metrics.Describe("microsoft_entityframeworkcore"));
        // Sign-ins (the administrator's, through Identity) and, on PostgreSQL, Npgsql's own meter.
        Assert.True(metrics.HasPrefix("aspnetcore_identity_"), metrics.Describe("aspnetcore_"));
        if (TestDatabase.Provider == DatabaseProvider.Postgres)
        {
            Assert.True(metrics.HasPrefix("db_client_"), metrics.Describe("db_"));
        }
    }

    [Fact]
    public async Task TheScraperReadsTheOutboxCountersAfterPassesThatGiveUpAndSendEmails()
    {
        var port = SmtpCapture.FreePort();
        var clock = new FakeTimeProvider(factory.Clock.GetUtcNow());
        await using var node = factory.WithWebHostBuilder(b =>
        {
            b.UseTestSmtp(port);
            b.UseSetting("Email:Outbox:WorkerEnabled", "true");
            b.UseSetting("Email:Outbox:Interval", "00:00:30");
            b.UseSetting("Email:Outbox:MaxAttempts", "2");
            b.UseSetting("Telemetry:Prometheus:ScrapeToken", ScrapeToken);
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock));
        });
        var scraper = ScraperClient(node, ScrapeToken);
        var before = await ScrapeAsync(scraper);
        var first = $"given-up.{Guid.NewGuid():N}@test.example";
        var second = $"sent-later.{Guid.NewGuid():N}@test.example";

        // The server is down: the first attempt fails while the caller waits, the outbox's retry fails too and gives up.
        await SendAsync(node, first);
        await TickUntilAsync(clock, async () => (await RowAsync(node, first)).GaveUpAt is not null);
        // Still down for the second message's first attempt; then the server is back and the outbox's pass sends it.
        await SendAsync(node, second);
        await using var smtp = new SmtpCapture(port);
        await TickUntilAsync(clock, async () => (await RowAsync(node, second)).SentAt is not null);
        Assert.Single(await smtp.ForAsync(second));

        var after = await ScrapeAsync(scraper);
        Assert.True(after.Sum("tandem_email_failed_total", ("tandem_email_attempt", "first")) - before.Sum("tandem_email_failed_total", ("tandem_email_attempt", "first")) >= 2,
            after.Describe("tandem_email"));
        Assert.True(after.Sum("tandem_email_given_up_total", ("tandem_email_attempt", "retry")) - before.Sum("tandem_email_given_up_total", ("tandem_email_attempt", "retry")) >= 1,
            after.Describe("tandem_email"));
        Assert.True(after.Sum("tandem_email_sent_total", ("tandem_email_attempt", "retry")) - before.Sum("tandem_email_sent_total", ("tandem_email_attempt", "retry")) >= 1,
            after.Describe("tandem_email"));
        Assert.True(after.Sum("tandem_outbox_claimed_total") - before.Sum("tandem_outbox_claimed_total") >= 2, after.Describe("tandem_outbox"));
        Assert.True(after.Sum("tandem_background_passes_total", ("tandem_worker", "outbox"), ("tandem_outcome", "ok")) >= 2, after.Describe("tandem_background"));
        Assert.True(after.Sum("tandem_background_pass_duration_seconds_count", ("tandem_worker", "outbox")) >= 2, after.Describe("tandem_background"));
    }

    [Fact]
    public async Task AnAdministratorReadsTheMatchingRunCountersAndPhaseTimesAfterARun()
    {
        var administrator = await factory.SignedInClientAsync(await factory.CreateUserAsync("Ada Operator", administrator: true));
        var before = await ScrapeAsync(administrator);
        var program = await MatchingProgram.CreateAsync(factory);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());

        await program.RunAsync();

        // The run's draft is readable a moment before the processor records the run as finished (in its finally block),
        // so the counters are read until they show it (at most 5 s).
        var after = await ScrapeAsync(administrator);
        for (var tries = 0; tries < 50 && after.Sum("tandem_matching_runs_finished_total", ("tandem_outcome", "done"))
            - before.Sum("tandem_matching_runs_finished_total", ("tandem_outcome", "done")) < 1; tries++)
        {
            await Task.Delay(100);
            after = await ScrapeAsync(administrator);
        }
        Assert.True(after.Sum("tandem_matching_runs_started_total") - before.Sum("tandem_matching_runs_started_total") >= 1, after.Describe("tandem_matching"));
        Assert.True(after.Sum("tandem_matching_runs_finished_total", ("tandem_outcome", "done")) - before.Sum("tandem_matching_runs_finished_total", ("tandem_outcome", "done")) >= 1,
            after.Describe("tandem_matching"));
        Assert.True(after.Sum("tandem_matching_run_duration_seconds_count", ("tandem_outcome", "done")) >= 1, after.Describe("tandem_matching"));
        foreach (var phase in new[] { "loading", "scoring", "solving", "checking", "saving" })
        {
            Assert.True(after.Sum("tandem_matching_phase_duration_seconds_count", ("tandem_matching_phase", phase)) >= 1, after.Describe("tandem_matching_phase"));
        }
    }

    [Fact]
    public async Task ALogLineWrittenDuringARequestCarriesTheRequestIdThatTheResponseNames()
    {
        var lines = new ConcurrentQueue<string>();
        await using var node = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<ILoggerProvider>(p =>
            new JsonLines(p.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json), lines))));
        var user = await factory.CreateUserAsync("Wren Ongpass");
        var client = node.AnonymousClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, Password = "not the password at all" });
        var other = await client.PostAsJsonAsync("/api/v1/auth/sign-in", new { user.Email, Password = "not the password either" });

        // A wrong password is a form error (400) that names no account.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", requestId);
        Assert.NotEqual(requestId, Assert.Single(other.Headers.GetValues("X-Request-Id")));
        // The problem the caller got names the same trace (W3C form: version-traceid-spanid-flags).
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(requestId, problem.GetProperty("traceId").GetString());
        var line = Assert.Single(lines, l => l.Contains("Sign-in failed: wrong password") && l.Contains(user.Id.ToString()) && l.Contains(requestId));
        using var entry = JsonDocument.Parse(line);
        var scopes = entry.RootElement.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, s => s.TryGetProperty("TraceId", out var id) && id.GetString() == requestId);
        Assert.Contains(scopes, s => s.TryGetProperty("RequestPath", out var path) && path.GetString() == "/api/v1/auth/sign-in");
    }

    private static HttpClient ScraperClient(WebApplicationFactory<Program> node, string token)
    {
        var client = node.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<Prometheus> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Prometheus.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task SendAsync(WebApplicationFactory<Program> node, string to)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var message = new MimeMessage { Subject = "Observability check", Body = new TextPart("plain") { Text = "Hello." } };
        message.From.Add(MailboxAddress.Parse("tandem@test.example"));
        message.To.Add(MailboxAddress.Parse(to));
        var sent = await scope.ServiceProvider.GetRequiredService<MailOutbox>().SendAsync([new OutgoingMessage(message)]);
        Assert.Empty(sent);
    }

    private static async Task<OutgoingEmail> RowAsync(WebApplicationFactory<Program> node, string to)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TandemDb>().Set<OutgoingEmail>().AsNoTracking().SingleAsync(e => e.Recipient == to);
    }

    /// <summary>Moves the node's clock a worker interval at a time until the worker has done what is asked (20 s of real time at most).</summary>
    private static async Task TickUntilAsync(FakeTimeProvider clock, Func<Task<bool>> done)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !await done();)
        {
            Assert.True(DateTime.UtcNow < deadline, "the outbox worker did not get there");
            clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(100);
        }
    }

    /// <summary>The app's own JSON console formatter (with the app's settings) writing to a list instead of stdout.</summary>
    private sealed class JsonLines(ConsoleFormatter formatter, ConcurrentQueue<string> lines) : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConsoleFormatter _formatter = formatter;
        private readonly ConcurrentQueue<string> _lines = lines;
        private IExternalScopeProvider? _scopes;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(JsonLines provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state) ?? NullScope.Instance;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                using var writer = new StringWriter();
                provider._formatter.Write(new Microsoft.Extensions.Logging.Abstractions.LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider._scopes, writer);
                provider._lines.Enqueue(writer.ToString());
            }
        }

        private sealed class NullScope : IDisposable
        {
            public static readonly NullScope Instance = new();

            public void Dispose()
            {
            }
        }
    }
}

/// <summary>Prometheus text exposition, read the way a scraper reads it: one sample a line, `name{labels} value`.</summary>
public sealed class Prometheus
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];
    private string _text = "";

    public static Prometheus Parse(string text)
    {
        var result = new Prometheus { _text = text };
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            var brace = line.IndexOf('{');
            var close = line.LastIndexOf('}');
            var name = brace < 0 ? line[..line.IndexOf(' ')] : line[..brace];
            var labels = new Dictionary<string, string>();
            if (brace >= 0)
            {
                foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(line[(brace + 1)..close], "([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\""))
                {
                    labels[m.Groups[1].Value] = m.Groups[2].Value;
                }
            }
            var rest = line[((brace < 0 ? name.Length : close + 1))..].Trim().Split(' ');
            result._samples.Add((name, labels, double.Parse(rest[0], CultureInfo.InvariantCulture)));
        }
        return result;
    }

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    public bool HasPrefix(string prefix) => _samples.Any(s => s.Name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The sum of the samples of this name whose labels include all of these.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value)).Sum(s => s.Value);

    /// <summary>The lines starting with this prefix, for a failure message.</summary>
    public string Describe(string prefix) =>
        string.Join("\n", _text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Take(40)) is { Length: > 0 } found ? found : $"no {prefix}… in:\n{_text[..Math.Min(3000, _text.Length)]}";
}
