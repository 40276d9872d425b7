using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Npgsql;
using Tandem.Data;
using Tandem.Features.Engagement;
using Tandem.Features.Notifications;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>
/// Two nodes, proven (issue 18, item 3): the published app twice on loopback, sharing one PostgreSQL database (sessions
/// and the data-protection key ring in it), behind Debian's nginx running deploy/nginx-tandem.conf with only addresses,
/// ports and certificate paths replaced. Every request goes through nginx over TLS; nginx's round robin sends
/// consecutive requests to alternate nodes, and the test reads which node answered from a header the test's copy of the
/// site adds (X-Tandem-Upstream).
/// </summary>
[TestCaseOrderer("Tandem.Tests.Operations.KillingLast", "Tandem.Tests")]
[RunsLong(40)]
public sealed class TwoNodeTests(TwoNodes cluster) : IClassFixture<TwoNodes>
{
    [PostgresRunFact]
    public async Task SomeoneSignedInThroughOneNodeCarriesOnThroughTheOtherAndAFormFromOneNodePostsToTheOther()
    {
        await cluster.EnsureBothRunningAsync();
        using var client = cluster.NewClient();

        // The sign-in form comes from B and is posted to A: A accepts B's antiforgery token and signs in.
        var form = await cluster.GetFromAsync(client, cluster.B, "/account/sign-in");
        var signIn = await cluster.PostToAsync(client, cluster.A, "/account/sign-in", Form(form, "sign-in",
            ("Input.Email", TwoNodes.AdministratorEmail), ("Input.Password", cluster.AdministratorPassword)));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        // Forwarded headers believed from nginx on loopback: the request was https, so the cookie is Secure.
        var authCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("tandem.auth="));
        Assert.Contains("secure", authCookie, StringComparison.OrdinalIgnoreCase);

        // The session made by A works on B.
        var users = await cluster.GetFromAsync(client, cluster.B, "/admin/users");
        Assert.Contains("Create an account", users);

        // A signed-in form rendered by A is posted to B.
        var page = await cluster.GetFromAsync(client, cluster.A, "/admin/users");
        var created = await cluster.PostToAsync(client, cluster.B, "/admin/users", Form(page, "create-user",
            ("Input.DisplayName", "Robin Registrar"), ("Input.Email", "robin@two-nodes.example"), ("Input.Password", "a-long-first-password"), ("Input.TimeZoneId", "Europe/London")));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("Robin Registrar can now sign in as robin@two-nodes.example.", WebUtility.HtmlDecode(await created.Content.ReadAsStringAsync()));

        // Signing out through B ends the session on A at its next request.
        var signOut = await cluster.PostToAsync(client, cluster.B, "/api/v1/auth/sign-out", JsonContent.Create(new { }));
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        var after = await cluster.SendToAsync(client, cluster.A, () => new HttpRequestMessage(HttpMethod.Get, "/admin/users"));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/sign-in", after.Headers.Location?.OriginalString.Replace(cluster.PublicAddress, "") ?? "");
    }

    [PostgresRunFact]
    public async Task QueuedEmailsAndRemindersGoOutExactlyOnceAcrossBothNodes()
    {
        await cluster.EnsureBothRunningAsync();

        // A backlog of 40 e-mails, as a node that died holding their claims would leave it: both nodes' outbox workers
        // (every second, 5 at a time) race for them.
        var marker = Guid.NewGuid().ToString("N")[..8];
        await using (var db = cluster.Database())
        {
            var past = DateTime.UtcNow.AddMinutes(-1);
            for (var i = 0; i < 40; i++)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse("no-reply@two-nodes.example"));
                message.To.Add(MailboxAddress.Parse($"person{i}@two-nodes.example"));
                message.Subject = $"Backlog {marker} #{i}";
                message.Body = new TextPart("plain") { Text = "Queued while the mail server was away." };
                using var mime = new MemoryStream();
                await message.WriteToAsync(mime);
                db.Add(new OutgoingEmail($"person{i}@two-nodes.example", message.Subject, mime.ToArray(), null, null, past, "a-node-that-died", past));
            }
            await db.SaveChangesAsync();
        }
        await cluster.WaitUntilAsync("the backlog is sent", async db =>
            await db.Set<OutgoingEmail>().CountAsync(e => e.Subject.StartsWith($"Backlog {marker}") && e.SentAt != null) == 40);

        var backlog = cluster.DeliveredMail().Where(m => m.Subject.StartsWith($"Backlog {marker}")).ToList();
        Assert.Equal(40, backlog.Count);
        Assert.Equal(40, backlog.Select(m => m.Subject).Distinct().Count());

        // Reminders: the demo's drifting and at-risk pairs are due for one at once; both nodes' reminder jobs run every second.
        // Into the installation that has its administrator: outside Development, seeding there is asked for by name.
        var seeded = await cluster.RunAsync("seed", "demo", "--into-existing-installation");
        Assert.True(seeded.ExitCode == 0, seeded.Output);
        await cluster.WaitUntilAsync("reminders are sent", async db => await db.Set<ReminderDispatch>().CountAsync(d => d.SentAt != null) >= 4);
        // Several more passes of both jobs: a reminder sent twice would show up now.
        await cluster.WaitUntilAsync("both nodes' reminder jobs have passed again", _ => Task.FromResult(false), TimeSpan.FromSeconds(4), failWhenLate: false);

        // Each reminder claimed is one notification (and, by the person's choice, one e-mail); a reminder some node is
        // sending at this moment is waited for.
        var reminderTitles = new[] { "Time to meet again", "How did your meeting go?" };
        await cluster.WaitUntilAsync("every claimed reminder is one notification", async db =>
        {
            var dispatches = await db.Set<ReminderDispatch>().ToListAsync();
            var notifications = await db.Set<Notification>()
                .Where(n => reminderTitles.Contains(n.Title) || n.Title.StartsWith("At risk: ") || n.Title.StartsWith("Meeting on "))
                .Select(n => new { n.UserId, n.Title, n.Link }).ToListAsync();
            Assert.Equal(notifications.Count, notifications.Distinct().Count());
            return dispatches.All(d => d.SentAt != null) && dispatches.Count == notifications.Count;
        }, TimeSpan.FromSeconds(20));
        var everything = cluster.DeliveredMail();
        var twice = everything.GroupBy(m => (m.To, m.Subject)).Where(g => g.Count() > 1).Select(g => $"{g.Key.To}: {g.Key.Subject}").ToList();
        Assert.Empty(twice);
    }

    [PostgresRunFact]
    public async Task KillingANodeMidTrafficLosesNoAcknowledgedWriteAndTheOtherKeepsServing()
    {
        await cluster.EnsureBothRunningAsync();
        using var client = cluster.NewClient();
        var form = await cluster.GetFromAsync(client, cluster.A, "/account/sign-in");
        var signIn = await cluster.PostToAsync(client, cluster.B, "/account/sign-in", Form(form, "sign-in",
            ("Input.Email", TwoNodes.AdministratorEmail), ("Input.Password", cluster.AdministratorPassword)));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        // Four writers create accounts through nginx, one after another each; A is killed (SIGKILL) once 12 writes
        // are acknowledged, and the writers carry on until 24 more are.
        var answers = new ConcurrentQueue<(string Email, HttpStatusCode Status, bool AfterKill)>();
        var killed = false;
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var acknowledgedAfterKill = 0;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var email = $"writer{w}-{n}-{run}@TWO-NODES.EXAMPLE".ToLowerInvariant();
                var afterKill = Volatile.Read(ref killed);
                HttpStatusCode status;
                try
                {
                    using var response = await client.PostAsJsonAsync("/api/v1/users",
                        new { email, displayName = $"Writer {w}.{n}", password = "a-long-first-password" }, stop.Token);
                    status = response.StatusCode;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                answers.Enqueue((email, status, afterKill));
                if (afterKill && status == HttpStatusCode.Created && Interlocked.Increment(ref acknowledgedAfterKill) >= 24)
                {
                    await stop.CancelAsync();
                }
            }
        })).ToList();
        while (answers.Count(a => a.Status == HttpStatusCode.Created) < 12 && !stop.IsCancellationRequested)
        {
            await Task.Delay(20);
        }
        cluster.A.Kill();
        Volatile.Write(ref killed, true);
        await Task.WhenAll(writers);

        var all = answers.ToList();
        Console.WriteLine($"TwoNodeTests: writes while node A was killed: {Summary(all)}");
        Assert.True(acknowledgedAfterKill >= 24, $"Only {acknowledgedAfterKill} writes were acknowledged after the kill: {Summary(all)}");
        // Answers other than 201 are requests that were on A when it died (nginx does not resend a POST): 502.
        Assert.All(all.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.BadGateway, a.Status));
        Assert.True(all.Count(a => a.Status != HttpStatusCode.Created) <= 4, Summary(all));
        await using (var db = cluster.Database())
        {
            var acknowledged = all.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Email.ToUpperInvariant()).ToList();
            var stored = await db.Users.Where(u => u.NormalizedEmail!.EndsWith($"-{run}@TWO-NODES.EXAMPLE")).Select(u => u.NormalizedEmail!).ToListAsync();
            Assert.Empty(acknowledged.Except(stored));
        }
        // B alone serves pages and the API, whichever way nginx would have turned.
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync("/admin/users");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(cluster.B.Address.Authority, response.Headers.GetValues("X-Tandem-Upstream").Last().Split(", ").Last());
        }
    }

    private static string Summary(IEnumerable<(string Email, HttpStatusCode Status, bool AfterKill)> answers) =>
        string.Join(", ", answers.GroupBy(a => (a.Status, a.AfterKill)).Select(g => $"{(int)g.Key.Status}{(g.Key.AfterKill ? " after the kill" : "")}: {g.Count()}"));

    private static FormUrlEncodedContent Form(string page, string handler, params (string Name, string Value)[] fields)
    {
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(token.Success, "no antiforgery token on the page");
        return new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)))
            .Append(new("_handler", handler)));
    }
}

/// <summary>
/// Runs the test that kills a node after the others, which then need not wait for a node to start again (about 15 s on
/// the shared two cores); a test that finds a node dead starts it anyway (<see cref="TwoNodes.EnsureBothRunningAsync"/>).
/// </summary>
public sealed class KillingLast : Xunit.Sdk.ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : Xunit.Abstractions.ITestCase =>
        testCases.OrderBy(t => t.TestMethod.Method.Name.StartsWith("Killing", StringComparison.Ordinal)).ThenBy(t => t.TestMethod.Method.Name, StringComparer.Ordinal);
}

/// <summary>A fact of the PostgreSQL run only: two nodes share a database server, which SQLite is not; pg_dump backs up PostgreSQL only (BackupTests).</summary>
public sealed class PostgresRunFactAttribute : FactAttribute
{
    public PostgresRunFactAttribute()
    {
        if (TestDatabase.Provider != DatabaseProvider.Postgres)
        {
            Skip = "About PostgreSQL (two nodes sharing its database, pg_dump): run on PostgreSQL only.";
        }
    }
}

/// <summary>
/// The installation of docs/operations.md on loopback: `tandem migrate`, `tandem users add-administrator`, two nodes of
/// the published app on one new PostgreSQL database, each with its own data directory (so each node's e-mail lands in its
/// own pickup folder), and nginx with the deploy/ site in front, on free ports; all stopped and removed at the end.
/// </summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public const string AdministratorEmail = "it@two-nodes.example";

    private readonly PublishedApp published = new();
    private readonly string root = Directory.CreateTempSubdirectory("tandem-two-nodes-").FullName;
    private readonly Dictionary<string, string> settings = [];
    private string connection = "";
    private int portA, portB, httpsPort;
    private Process? nginx;
    private X509Certificate2? certificate;

    public RunningApp A { get; private set; } = null!;
    public RunningApp B { get; private set; } = null!;
    public string AdministratorPassword { get; private set; } = "";
    public string PublicAddress => $"https://127.0.0.1:{httpsPort}";

    public async Task InitializeAsync()
    {
        if (TestDatabase.Provider != DatabaseProvider.Postgres)
        {
            return;
        }
        var started = Stopwatch.StartNew();
        connection = TestDatabase.NewConnectionString();
        (portA, portB, httpsPort) = (PublishedApp.FreePort(), PublishedApp.FreePort(), PublishedApp.FreePort());
        settings["Database__Provider"] = "Postgres";
        settings["ConnectionStrings__Tandem"] = connection;
        settings["Email__PublicBaseUrl"] = PublicAddress;
        settings["Email__Outbox__Interval"] = "00:00:01";
        settings["Email__Outbox__BatchSize"] = "5";
        settings["Engagement__ReminderInterval"] = "00:00:01";
        settings["Logging__LogLevel__Default"] = "Warning";

        // Upgrades and new installations alike: migrate once, before any node starts (nodes do not migrate PostgreSQL).
        var migrate = await RunAsync("migrate");
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.Contains("Database (Postgres) is up to date.", migrate.Output);
        var admin = await RunAsync("users", "add-administrator", "--email", AdministratorEmail, "--name", "IT Office", "--time-zone", "Europe/London");
        Assert.True(admin.ExitCode == 0, admin.Output);
        AdministratorPassword = Regex.Match(admin.Output, @"Password \(shown once; change it after signing in\): (\S+)").Groups[1].Value;
        Assert.NotEmpty(AdministratorPassword);

        var nodes = await Task.WhenAll(StartNodeAsync("a", portA), StartNodeAsync("b", portB));
        (A, B) = (nodes[0], nodes[1]);
        StartNginx();
        Console.WriteLine($"TwoNodeTests: publish, migrate, first administrator, two nodes and nginx ready in {started.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Starts a node that an earlier test killed, on its old port (nginx's site names it).</summary>
    public async Task EnsureBothRunningAsync()
    {
        if (A.HasExited)
        {
            await A.DisposeAsync();
            A = await StartNodeAsync("a", portA);
        }
        if (B.HasExited)
        {
            await B.DisposeAsync();
            B = await StartNodeAsync("b", portB);
        }
    }

    public Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => published.RunAsync(settings, arguments);

    public TandemDb Database()
    {
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, DatabaseProvider.Postgres, connection);
        return new TandemDb(options.Options);
    }

    /// <summary>A browser's worth of cookies, speaking TLS to nginx (trusting only this run's certificate), following no redirects.</summary>
    public HttpClient NewClient()
    {
        var thumbprint = certificate!.Thumbprint;
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = new CookieContainer(),
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == thumbprint,
        };
        return new HttpClient(handler) { BaseAddress = new Uri(PublicAddress), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>GETs the page through nginx until the wanted node is the one that answered (round robin: at most a few tries).</summary>
    public async Task<string> GetFromAsync(HttpClient client, RunningApp node, string path)
    {
        using var response = await SendToAsync(client, node, () => new HttpRequestMessage(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<HttpResponseMessage> SendToAsync(HttpClient client, RunningApp node, Func<HttpRequestMessage> request)
    {
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var response = await client.SendAsync(request());
            if (Upstream(response) == node.Address.Authority)
            {
                return response;
            }
            response.Dispose();
        }
        throw new InvalidOperationException($"nginx never sent a request to {node.Address}");
    }

    /// <summary>
    /// POSTs through nginx so that the wanted node gets it: a POST is sent once (never repeated until it lands), right
    /// after a GET that the other node answered, so round robin hands it to this one; the test checks it did.
    /// </summary>
    public async Task<HttpResponseMessage> PostToAsync(HttpClient client, RunningApp node, string path, HttpContent content)
    {
        var other = node == A ? B : A;
        (await SendToAsync(client, other, () => new HttpRequestMessage(HttpMethod.Get, "/health/live"))).Dispose();
        var response = await client.PostAsync(path, content);
        Assert.Equal(node.Address.Authority, Upstream(response));
        return response;
    }

    /// <summary>The e-mails both nodes wrote to their pickup folders.</summary>
    public IReadOnlyList<(string To, string Subject)> DeliveredMail() =>
        new[] { "a", "b" }.SelectMany(node =>
        {
            var folder = Path.Combine(root, node, "mail");
            return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.eml") : [];
        }).Select(file =>
        {
            using var message = MimeMessage.Load(file);
            return (message.To.ToString(), message.Subject ?? "");
        }).ToList();

    /// <summary>
    /// Polls the shared database until the condition holds: two real processes on the real clock do the work, and no
    /// clock of the test's can move them along.
    /// </summary>
    public async Task WaitUntilAsync(string what, Func<TandemDb, Task<bool>> condition, TimeSpan? timeout = null, bool failWhenLate = true)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < (timeout ?? TimeSpan.FromSeconds(90)))
        {
            await using (var db = Database())
            {
                if (await condition(db))
                {
                    return;
                }
            }
            await Task.Delay(250);
        }
        Assert.False(failWhenLate, $"Not done in time: {what}");
    }

    private static string? Upstream(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Tandem-Upstream", out var values) ? values.Last().Split(", ").Last() : null;

    private Task<RunningApp> StartNodeAsync(string name, int port) =>
        published.StartAsync(new Dictionary<string, string>(settings) { ["DataDirectory"] = Path.Combine(root, name) }, port);

    private void StartNginx()
    {
        var installed = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);
        Assert.True(installed is not null, "nginx is not installed: `apt-get install nginx` (test.sh installs it without starting Debian's own).");
        var directory = Path.Combine(root, "nginx");
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(Path.Combine(directory, "tls.crt"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, "tls.key"), key.ExportPkcs8PrivateKeyPem());
        }
        var site = File.ReadAllText(Path.Combine(PublishedApp.RepositoryRoot(), "deploy", "nginx-tandem.conf"));
        site = Replace(site, "127.0.0.1:8081", $"127.0.0.1:{portA}", times: 2);
        site = Replace(site, "127.0.0.1:8082", $"127.0.0.1:{portB}", times: 2);
        site = Replace(site, "listen 80;", $"listen 127.0.0.1:{PublishedApp.FreePort()};", times: 1);
        site = Replace(site, "listen [::]:80;", "", times: 1);
        site = Replace(site, "listen 443 ssl http2;", $"listen 127.0.0.1:{httpsPort} ssl http2;", times: 1);
        site = Replace(site, "listen [::]:443 ssl http2;", "", times: 1);
        site = Replace(site, "/etc/letsencrypt/live/mentoring.example.org/fullchain.pem", Path.Combine(directory, "tls.crt"), times: 1);
        site = Replace(site, "/etc/letsencrypt/live/mentoring.example.org/privkey.pem", Path.Combine(directory, "tls.key"), times: 1);
        // Which node answered, for the test's eyes only.
        site = Replace(site, "        proxy_pass http://tandem;\n", "        proxy_pass http://tandem;\n        add_header X-Tandem-Upstream $upstream_addr always;\n", times: 1);
        File.WriteAllText(Path.Combine(directory, "tandem.conf"), site);
        var temp = Path.Combine(directory, "temp");
        // What Debian's /etc/nginx/nginx.conf gives a site, minus what needs root: one worker, so round robin alternates.
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), $$"""
            {{(Environment.UserName == "root" ? "user root;" : "")}}
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 256; }
            http {
                access_log {{directory}}/access.log;
                client_body_temp_path {{temp}}/body;
                proxy_temp_path {{temp}}/proxy;
                fastcgi_temp_path {{temp}}/fastcgi;
                uwsgi_temp_path {{temp}}/uwsgi;
                scgi_temp_path {{temp}}/scgi;
                include {{directory}}/tandem.conf;
            }
            """);
        var start = new ProcessStartInfo(installed!)
        {
            ArgumentList = { "-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-g", "daemon off;" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        nginx = Process.Start(start)!;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            Assert.False(nginx.HasExited, $"nginx stopped: {nginx.StandardError.ReadToEnd()} {ErrorLog(directory)}");
            try
            {
                using var client = NewClient();
                if (client.GetAsync("/health/ready").Result.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            Thread.Sleep(100);
        }
        Assert.Fail($"nginx did not answer: {ErrorLog(directory)}");
    }

    private static string ErrorLog(string directory) =>
        File.Exists(Path.Combine(directory, "error.log")) ? File.ReadAllText(Path.Combine(directory, "error.log")) : "";

    /// <summary>Replaces text the site file must contain, so a changed site file fails here rather than testing something else.</summary>
    private static string Replace(string site, string text, string with, int times)
    {
        var found = Regex.Matches(site, Regex.Escape(text)).Count;
        Assert.True(found == times, $"deploy/nginx-tandem.conf has '{text}' {found} times, not {times}");
        return site.Replace(text, with);
    }

    public async Task DisposeAsync()
    {
        if (nginx is not null)
        {
            nginx.Kill(entireProcessTree: true);
            await nginx.WaitForExitAsync();
            nginx.Dispose();
        }
        if (A is not null)
        {
            await A.DisposeAsync();
        }
        if (B is not null)
        {
            await B.DisposeAsync();
        }
        certificate?.Dispose();
        published.Dispose();
        if (connection != "")
        {
            NpgsqlConnection.ClearAllPools();
            var database = new NpgsqlConnectionStringBuilder(connection).Database;
            await using var server = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection) { Database = "postgres" }.ConnectionString);
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", server);
            await drop.ExecuteNonQueryAsync();
        }
        Directory.Delete(root, recursive: true);
    }
}
