using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Tandem.Data;
using Tandem.Features.Demo;
using Tandem.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel (a free loopback port, so static assets and blazor.web.js are served as in
/// production), on its own real database seeded with the demo data, plus the test run's one headless Chromium
/// (a fresh browser context per page).
/// </summary>
public class TandemServer : IAsyncLifetime
{
    private sealed class Factory(string connectionString, ServerLog log, TimeProvider? clock, IReadOnlyDictionary<string, string>? settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            // Outside Development the host only serves published output; the test runs from the build
            // output, so point it at the static web assets manifest (wwwroot and _framework/blazor.web.js).
            builder.UseStaticWebAssets();
            builder.UseSetting("Database:Provider", TestDatabase.Provider.ToString());
            builder.UseSetting("ConnectionStrings:Tandem", connectionString);
            builder.UseSetting("Demo:SeedWhenEmpty", "false");
            // Every test signs the same demo logins in again from a fresh browser, far more often than people do.
            builder.UseSetting("SignIn:Limits:PerIpPermitLimit", "1000000");
            builder.UseSetting("SignIn:Limits:PerAccountPermitLimit", "1000000");
            // No background workers: the journeys do not wait for retries or reminders.
            builder.UseSetting("Email:Outbox:WorkerEnabled", "false");
            builder.UseSetting("Engagement:RemindersEnabled", "false");
            // The pages show what the test just did, not figures kept for half a minute (ADR 60).
            builder.UseSetting("Figures:MaxAge", "00:00:00");
            builder.UseSetting("MentorRequests:TimeoutWorkerEnabled", "false");
            builder.UseSetting("Concerns:ReminderWorkerEnabled", "false");
            builder.UseSetting("Notifications:Digest:WorkerEnabled", "false");
            builder.UseSetting("Surveys:Enabled", "false");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureLogging(logging => logging.AddProvider(log));
            builder.ConfigureServices(services => services.Configure<Microsoft.AspNetCore.Identity.PasswordHasherOptions>(o => o.IterationCount = FastPasswordHashes.IterationCount));
            if (clock is not null)
            {
                builder.ConfigureServices(services =>
                {
                    services.RemoveAll<TimeProvider>();
                    services.AddSingleton(clock);
                });
            }
        }
    }

    private readonly ServerLog log = new();
    private readonly ConcurrentQueue<string> contentSecurityViolations = new();
    private readonly Factory factory;
    private IBrowser? browser;

    public TandemServer() : this(null) { }

    /// <param name="clock">The app's clock (a fake one lets a journey move on to "after the meeting"), or the system clock.</param>
    /// <param name="settings">Settings on top of the test host's own.</param>
    protected TandemServer(TimeProvider? clock, IReadOnlyDictionary<string, string>? settings = null) =>
        factory = new Factory(TestDatabase.NewMigratedConnectionString(), log, clock, settings);

    /// <summary>The app's services, for a test's "given" steps that are not what the test is about.</summary>
    public IServiceProvider Services => factory.Services;

    public Uri BaseAddress { get; private set; } = default!;
    public DemoLogins Demo { get; private set; } = default!;

    /// <summary>The app's warnings and errors so far (all tests of the class share one server).</summary>
    public IEnumerable<string> ServerErrors => log.Entries;

    public Task InitializeAsync() => Timing.TimeAsync("server-init", InitializeCoreAsync);

    private async Task InitializeCoreAsync()
    {
        var phase = System.Diagnostics.Stopwatch.StartNew();
        factory.UseKestrel(0);
        factory.StartServer();
        Timing.Write("init-start-server", phase.ElapsedMilliseconds);
        phase.Restart();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        BaseAddress = new Uri(address);
        Running[BaseAddress.GetLeftPart(UriPartial.Authority)] = this;

        await DatabaseSetup.MigrateAsync(factory.Services);
        Timing.Write("init-migrate", phase.ElapsedMilliseconds);
        phase.Restart();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Demo = await scope.ServiceProvider.GetRequiredService<SeedDemo>().RunAsync(onlyWhenEmpty: true)
                ?? throw new InvalidOperationException("The demo seed found data in a database that should be new.");
        }

        Timing.Write("init-seed", phase.ElapsedMilliseconds);
        browser = await SharedBrowser.Value;
    }

    // One headless Chromium for the whole test run (every server, every test class): launching one takes two to three
    // seconds of both cores, and each test already gets its own browser context (own cookies, storage and cache), which
    // is all a test needs from "a fresh browser" (docs/decisions/0036-browser-suite-cost.md). The test host ends with
    // the run; Playwright's driver closes the browser when the host's process goes.
    private static readonly Lazy<Task<IBrowser>> SharedBrowser = new(LaunchBrowserAsync);

    private static async Task<IBrowser> LaunchBrowserAsync()
    {
        var launch = System.Diagnostics.Stopwatch.StartNew();
        var playwright = await Playwright.CreateAsync();
        // The distribution's Chromium, never a downloaded browser (test.sh installs it).
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        Timing.Write("chromium-launch", launch.ElapsedMilliseconds);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            browser.CloseAsync().Wait(TimeSpan.FromSeconds(5));
            playwright.Dispose();
        };
        return browser;
    }

    /// <summary>A fresh browser context (own cookies) with a page whose relative URLs go to the app.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        // Every step here is a local round trip, but the suite shares two cores with the server, the
        // database, other test classes and (in test.sh) the other database's browser suite, so a page can take
        // several seconds under load: allow 30 s for actions and for assertions alike (Playwright's 5 s assertion
        // default failed a loaded CI run, and 15 s failed a sign-in, password hashing included, at a load of 20).
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var page = await context.NewPageAsync();
        // Chromium reports every script, style or frame the Content-Security-Policy blocked on the console.
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                contentSecurityViolations.Enqueue($"{page.Url}: {message.Text}");
            }
        };
        return page;
    }

    /// <summary>Fails when a page opened since the last call had something blocked by the Content-Security-Policy (so a page would be broken).</summary>
    public void AssertNoContentSecurityViolations()
    {
        var seen = new List<string>();
        while (contentSecurityViolations.TryDequeue(out var violation))
        {
            seen.Add(violation);
        }
        Assert.True(seen.Count == 0, "The Content-Security-Policy blocked:\n" + string.Join("\n", seen));
    }

    /// <summary>Forgets the violations so far (for a test that provokes one on purpose).</summary>
    public IReadOnlyList<string> TakeContentSecurityViolations()
    {
        var seen = new List<string>();
        while (contentSecurityViolations.TryDequeue(out var violation))
        {
            seen.Add(violation);
        }
        return seen;
    }

    /// <summary>Signs the page in as one of the demo logins ("Coordinator", "Mentor", "Mentee", …), then opens the program list.</summary>
    public async Task SignInAsync(IPage page, string role)
    {
        var login = Demo.For(role);
        await Timing.TimeAsync("sign-in", () => SignInThroughTheApiAsync(page, login.Email, login.Password));
        await Timing.TimeAsync("sign-in-programs", () => page.GotoAsync("/programs"));
    }

    /// <summary>
    /// Waits until the page's address ends with <paramref name="pathAndQuery"/> (or matches <paramref name="address"/>).
    /// Not <c>WaitForURLAsync</c>: once the address already matches (a quick enhanced navigation), it goes on to wait for
    /// a load event that a same-document navigation never fires, and timed out after 30 s with the page there; this only
    /// reads the address until it matches.
    /// </summary>
    public static Task AtAsync(IPage page, string pathAndQuery) =>
        AtAsync(page, new System.Text.RegularExpressions.Regex(System.Text.RegularExpressions.Regex.Escape(pathAndQuery) + "$"));

    /// <inheritdoc cref="AtAsync(IPage, string)"/>
    /// <remarks>Once there, it also fails when the server could not read a value a page's form posted (ADR 81).</remarks>
    public static async Task AtAsync(IPage page, System.Text.RegularExpressions.Regex address)
    {
        Running.TryGetValue(new Uri(page.Url).GetLeftPart(UriPartial.Authority), out var server);
        try
        {
            await Expect(page).ToHaveURLAsync(address);
        }
        catch (PlaywrightException)
        {
            // A form stopped by a value the server could not read stays on its page: say that rather than "wrong address".
            server?.AssertEveryPostedValueWasRead();
            throw;
        }
        server?.AssertEveryPostedValueWasRead();
    }

    private static readonly ConcurrentDictionary<string, TandemServer> Running = new();

    private int postedValuesCheckedUpTo;

    /// <summary>
    /// Fails when a form a page posted since the last check had a value the server could not read (Blazor then leaves
    /// the field empty, or drops a whole list, ADR 81). A person filling in a page's own form cannot send one: inputs
    /// that must not be empty are <c>required</c>, numbers and dates are typed inputs. So it is the page's bug.
    /// </summary>
    public void AssertEveryPostedValueWasRead()
    {
        List<string> unread;
        lock (log)
        {
            var entries = ServerErrors.ToList();
            unread = entries.Skip(postedValuesCheckedUpTo).Where(e => e.Contains(UnreadFormValue, StringComparison.Ordinal)).ToList();
            postedValuesCheckedUpTo = entries.Count;
        }
        Assert.True(unread.Count == 0, "The server could not read what a form posted:\n" + string.Join("\n", unread));
    }

    /// <summary>The words of the app's warning (FormMappingErrors.UnreadValue).</summary>
    private const string UnreadFormValue = "posted values that could not be read";

    /// <summary>
    /// Signs the page in with an address and password and opens the home page, waiting for its greeting. A "given" step:
    /// the page's own browser context posts to the sign-in endpoint (the API's, over real HTTP, sharing the context's
    /// cookies), which saves loading and submitting the sign-in page for every person of every journey. The sign-in page
    /// itself is exercised by <see cref="SignInOnThePageAsync"/> (the first hour's student), the page sweep (axe-core)
    /// and the password-reset journey (docs/decisions/0036-browser-suite-cost.md).
    /// </summary>
    public static Task SignInAsync(IPage page, string email, string password) => Timing.TimeAsync("sign-in", async () =>
    {
        await SignInThroughTheApiAsync(page, email, password);
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hello");
    });

    private static async Task SignInThroughTheApiAsync(IPage page, string email, string password)
    {
        var response = await page.Context.APIRequest.PostAsync("/api/v1/auth/sign-in", new() { DataObject = new { email, password } });
        Assert.True(response.Status == 204, $"Signing in {email} answered {response.Status}: {await response.TextAsync()}");
    }

    /// <summary>Signs the page in on the sign-in page, as a person does: fills the form, presses Sign in, waits for the home page's greeting.</summary>
    public static Task SignInOnThePageAsync(IPage page, string email, string password) => Timing.TimeAsync("sign-in-page", async () =>
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hello");
    });

    /// <summary>The latest e-mail the app queued for the address (read from the outbox), or null when there is none.</summary>
    public async Task<MimeKit.MimeMessage?> LatestEmailAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var mime = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            scope.ServiceProvider.GetRequiredService<TandemDb>().Set<Tandem.Infrastructure.Email.OutgoingEmail>()
                .Where(e => e.Recipient == email).OrderByDescending(e => e.CreatedAt).Select(e => e.Mime));
        return mime is null ? null : MimeKit.MimeMessage.Load(new MemoryStream(mime));
    }

    /// <summary>
    /// The path and query of the first link to <paramref name="path"/> in the latest e-mail to the address, as the
    /// person would click it in their mail (read from the outbox; waits up to 10 s for queued work to send it).
    /// </summary>
    public Task<string> LinkInLatestEmailAsync(string email, string path) => Timing.TimeAsync("email-link", () => LinkInLatestEmailCoreAsync(email, path));

    private async Task<string> LinkInLatestEmailCoreAsync(string email, string path)
    {
        var pattern = new System.Text.RegularExpressions.Regex("https?://[^/\\s]+(" + System.Text.RegularExpressions.Regex.Escape(path) + "[^\\s\"<]*)");
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(100))
        {
            var match = pattern.Match((await LatestEmailAsync(email))?.TextBody ?? "");
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"No e-mail to {email} with a link to {path}.");
            }
        }
    }

    /// <summary>
    /// Runs steps in a fresh browser context and checks nothing was blocked by the Content-Security-Policy; when a step
    /// fails, keeps a screenshot (NAME-failed-…) and shows the server's warnings and errors.
    /// </summary>
    public async Task InPageAsync(string name, ITestOutputHelper output, Func<IPage, Task> steps)
    {
        var page = await NewPageAsync();
        try
        {
            await steps(page);
            AssertNoContentSecurityViolations();
        }
        catch
        {
            await ReportFailureAsync(page, name, output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>Keeps a full-page screenshot (bin/…/screenshots/NAME.png) and says where in the test output.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", $"{name}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"Screenshot of {page.Url}: {path}");
        return path;
    }

    /// <summary>When a step fails: a screenshot of the page and the server's warnings and errors in the test output.</summary>
    public async Task ReportFailureAsync(IPage page, string name, ITestOutputHelper output)
    {
        await ScreenshotAsync(page, $"{name}-failed-{Guid.NewGuid():N}", output);
        foreach (var entry in ServerErrors)
        {
            output.WriteLine(entry);
        }
    }

    public async Task DisposeAsync()
    {
        Running.TryRemove(BaseAddress.GetLeftPart(UriPartial.Authority), out _);
        if (TestDatabase.Provider == DatabaseProvider.Postgres)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TandemDb>().Database.EnsureDeletedAsync();
        }
        await factory.DisposeAsync();
    }
}

/// <summary>The app with a clock the test moves forward (starting at the real time, so seeded dates look current).</summary>
public sealed class ClockedTandemServer : TandemServer
{
    public ClockedTandemServer() : this(new FakeTimeProvider(DateTimeOffset.UtcNow)) { }

    private ClockedTandemServer(FakeTimeProvider clock) : base(clock) => Clock = clock;

    public FakeTimeProvider Clock { get; }
}

/// <summary>
/// The app with its matching worker off and no wait for a draft: "Run matching" queues the run and shows its progress,
/// and the test works the run itself (as another node would) to see the page follow it.
/// </summary>
public sealed class QueuedMatchingServer() : TandemServer(null, new Dictionary<string, string>
{
    ["Matching:WorkerEnabled"] = "false",
    ["Matching:WaitForDraft"] = "00:00:00",
});

/// <summary>Keeps the app's warnings and errors so a failing browser test can show what the server saw.</summary>
internal sealed class ServerLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    public IEnumerable<string> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
        }
    }
}
