using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Tandem.Data;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>
/// The app as an operator runs it (issue 18, item 1): `dotnet publish`, then `dotnet tandem.dll` started by a service
/// manager from some other working directory. Before the content root was the app's own folder, such an app answered
/// the stylesheet and blazor.web.js with 200 and no bytes, and made its SQLite file in the working directory.
/// </summary>
[RunsLong(75)]
public sealed class PublishedAppTests(PublishedApp published) : IClassFixture<PublishedApp>
{
    [SqliteRunFact]
    public async Task ThePublishedAppServesItsStylesheetAndScriptAndKeepsItsDataInItsOwnFolderWhateverTheWorkingDirectory()
    {
        await using var app = await published.StartAsync(dataDirectory: null);

        var page = await app.Client.GetStringAsync("/");
        var stylesheet = Regex.Match(page, "<link rel=\"stylesheet\" href=\"([^\"]+)\"").Groups[1].Value;
        Assert.Matches(@"^app\.\w+\.css$", stylesheet);
        var css = await app.Client.GetAsync(stylesheet);
        var script = await app.Client.GetAsync("/_framework/blazor.web.js");

        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains(":root", await css.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 10_000, "blazor.web.js is (nearly) empty");
        Assert.True(File.Exists(Path.Combine(published.Folder, "data", "tandem.db")), "no data/tandem.db in the app's folder");
        Assert.Empty(Directory.EnumerateFileSystemEntries(app.WorkingDirectory));
    }

    [SqliteRunFact]
    public async Task AConfiguredDataDirectoryHoldsTheDatabaseAndTheStartUpLineSaysWhereDataAndKeysLive()
    {
        var data = Path.Combine(Path.GetTempPath(), $"tandem-data-{Guid.NewGuid():N}");
        try
        {
            await using var app = await published.StartAsync(dataDirectory: data);

            var database = Path.Combine(data, "tandem.db");
            Assert.True(File.Exists(database), $"no {database}");
            Assert.Empty(Directory.EnumerateFileSystemEntries(app.WorkingDirectory));
            var line = Assert.Single(app.Output, l => l.Contains("Tandem.Startup"));
            Assert.Contains($"SQLite file {database}", line);
            Assert.Contains("data-protection keys in that database", line);
            Assert.Contains($"e-mail written to {Path.Combine(data, "mail")}", line);
            Assert.Contains($"content root {published.Folder}", line);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [SqliteRunFact]
    public async Task ThePublishedAppLogsJsonLinesCarryingTheRequestIdAndServesPrometheusTextToTheScraperOnly()
    {
        const string token = "published-app-scrape-token-0123456789abcdef";
        await using var app = await published.StartAsync(new Dictionary<string, string> { ["Telemetry__Prometheus__ScrapeToken"] = token });

        var signIn = await app.Client.PostAsync("/api/v1/auth/sign-in", new StringContent(
            """{"email":"nobody@published.example","password":"not a password of anyone"}""", System.Text.Encoding.UTF8, "application/json"));
        var requestId = Assert.Single(signIn.Headers.GetValues("X-Request-Id"));
        var anonymous = await app.Client.GetAsync("/metrics");
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new("Bearer", token) } };
        var scraped = await app.Client.SendAsync(scrape);

        Assert.Equal(HttpStatusCode.BadRequest, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("http_server_request_duration_seconds_count{", await scraped.Content.ReadAsStringAsync());
        // The console line of that request (one JSON object a line) names it in its scopes.
        string? line = null;
        for (var waited = Stopwatch.StartNew(); line is null && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            line = app.Output.FirstOrDefault(l => l.Contains("Sign-in failed") && l.Contains(requestId));
        }
        Assert.True(line is not null, $"no log line with {requestId}:\n{string.Join("\n", app.Output)}");
        using var entry = System.Text.Json.JsonDocument.Parse(line);
        Assert.Contains(entry.RootElement.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("TraceId", out var id) && id.GetString() == requestId);
    }
}

/// <summary>
/// A fact of the SQLite run only: the published app's files do not depend on the database, and the PostgreSQL run of
/// test.sh would only publish and start it a second time.
/// </summary>
public sealed class SqliteRunFactAttribute : FactAttribute
{
    public SqliteRunFactAttribute()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
            Skip = "The published app's files do not depend on the database: run on SQLite only.";
        }
    }
}

/// <summary>
/// src/Tandem published once per test process (from the build's output, `--no-build`) into a temporary folder, on first
/// use, and shared by every class that starts the published app (<see cref="PublishedAppTests"/> on the SQLite run,
/// <see cref="TwoNodeTests"/> on the PostgreSQL run), so each run of the suite publishes at most once.
/// </summary>
public sealed class PublishedApp : IDisposable
{
    private static readonly SemaphoreSlim PublishLock = new(1, 1);

    /// <summary>
    /// A publish of this build made by test.sh (TANDEM_TEST_PUBLISHED), shared by both database runs and removed by
    /// test.sh; otherwise one made here on first use. test.sh publishes while the matching tests run, where a core is free.
    /// </summary>
    private static readonly string? GivenFolder = Environment.GetEnvironmentVariable("TANDEM_TEST_PUBLISHED") is { Length: > 0 } given
        ? Path.GetFullPath(given).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar
        : null;

    private static readonly string SharedFolder = GivenFolder ?? Path.Combine(Path.GetTempPath(), $"tandem-published-{Guid.NewGuid():N}") + Path.DirectorySeparatorChar;
    private static bool published;
    private static int users;
    private bool disposed;

    public PublishedApp()
    {
        PublishLock.Wait();
        users++;
        PublishLock.Release();
    }

    public string Folder => SharedFolder;

    /// <summary>
    /// The last fixture to go deletes the publish (about 220 MB): the test host is ended by the runner, so a ProcessExit
    /// handler does not run. A class that starts after that publishes again; in test.sh one class per run uses it.
    /// </summary>
    public void Dispose()
    {
        PublishLock.Wait();
        try
        {
            if (disposed)
            {
                return;
            }
            disposed = true;
            if (--users == 0 && published && GivenFolder is null)
            {
                published = false;
                if (Directory.Exists(SharedFolder))
                {
                    Directory.Delete(SharedFolder, recursive: true);
                }
            }
        }
        finally
        {
            PublishLock.Release();
        }
    }

    private static async Task EnsurePublishedAsync()
    {
        await PublishLock.WaitAsync();
        try
        {
            if (published)
            {
                return;
            }
            if (GivenFolder is not null)
            {
                Assert.True(File.Exists(Path.Combine(GivenFolder, "tandem.dll")), $"TANDEM_TEST_PUBLISHED names {GivenFolder}, which holds no tandem.dll");
                published = true;
                return;
            }
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var project = Path.Combine(RepositoryRoot(), "src", "Tandem", "Tandem.csproj");
            var publish = new ProcessStartInfo("dotnet")
            {
                // The build the tests run on is the one published: no compiling and no restore here. No MSBuild nodes stay
                // behind holding this process's output open.
                ArgumentList = { "publish", project, "-c", configuration, "--no-build", "-o", SharedFolder, "-nologo", "-v:q", "-nodeReuse:false" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
            };
            using var process = Process.Start(publish)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await output}\n{await error}");
            Assert.True(File.Exists(Path.Combine(SharedFolder, "tandem.dll")), "the publish has no tandem.dll");
            published = true;
        }
        finally
        {
            PublishLock.Release();
        }
    }

    /// <summary>Starts `dotnet tandem.dll` from an empty temporary working directory on a free loopback port, and waits until it is ready.</summary>
    public Task<RunningApp> StartAsync(string? dataDirectory) =>
        StartAsync(dataDirectory is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["DataDirectory"] = dataDirectory });

    /// <summary>Starts `dotnet tandem.dll` with these settings (environment variables) on a free loopback port, and waits until it is ready.</summary>
    public async Task<RunningApp> StartAsync(IReadOnlyDictionary<string, string> settings, int? port = null)
    {
        await EnsurePublishedAsync();
        var address = $"http://127.0.0.1:{port ?? FreePort()}";
        var app = new RunningApp(Process.Start(StartInfo(settings, "--urls", address))!, new Uri(address));
        await app.WaitUntilReadyAsync();
        return app;
    }

    /// <summary>Runs a `tandem` command (`migrate`, `users add-administrator …`) to its end, as an operator would: exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        await EnsurePublishedAsync();
        var start = StartInfo(settings, arguments);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Directory.Delete(start.WorkingDirectory, recursive: true);
        return (process.ExitCode, await output + await error);
    }

    private ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> settings, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Directory.CreateTempSubdirectory("tandem-cwd-").FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(Folder, "tandem.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // As a service manager starts it: production settings, none of this test host's.
        foreach (var inherited in new[] { "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT", "ASPNETCORE_URLS", "ConnectionStrings__Tandem", "Database__Provider", "DataDirectory" })
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }
        return start;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Tandem.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No Tandem.slnx above {AppContext.BaseDirectory}.");
    }
}

public sealed class RunningApp : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    public RunningApp(Process process, Uri address)
    {
        this.process = process;
        WorkingDirectory = process.StartInfo.WorkingDirectory;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string WorkingDirectory { get; }

    public HttpClient Client { get; }

    public Uri Address { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Kills the process at once (SIGKILL): no graceful shutdown, requests in flight are cut off.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>The app's console lines so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Output => output.ToArray();

    /// <summary>
    /// Polls /health/ready: a real process on a shared two-core machine takes seconds to JIT, migrate and listen, and
    /// no clock of the test's can move that along.
    /// </summary>
    public async Task WaitUntilReadyAsync()
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            Assert.False(process.HasExited, $"The app stopped with exit code {(process.HasExited ? process.ExitCode : 0)}:\n{string.Join("\n", Output)}");
            try
            {
                if ((await Client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        Assert.Fail($"The app was not ready after two minutes:\n{string.Join("\n", Output)}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        Directory.Delete(WorkingDirectory, recursive: true);
    }
}
