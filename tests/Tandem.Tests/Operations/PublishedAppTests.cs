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

/// <summary>src/Tandem published once per test class (from the build's output, `--no-build`) into a temporary folder.</summary>
public sealed class PublishedApp : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"tandem-published-{Guid.NewGuid():N}") + Path.DirectorySeparatorChar;

    public async Task InitializeAsync()
    {
        if (TestDatabase.Provider != DatabaseProvider.Sqlite)
        {
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
            ArgumentList = { "publish", project, "-c", configuration, "--no-build", "-o", Folder, "-nologo", "-v:q", "-nodeReuse:false" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
        };
        using var process = Process.Start(publish)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet publish failed:\n{await output}\n{await error}");
        Assert.True(File.Exists(Path.Combine(Folder, "tandem.dll")), "the publish has no tandem.dll");
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
        return Task.CompletedTask;
    }

    /// <summary>Starts `dotnet tandem.dll` from an empty temporary working directory on a free loopback port, and waits until it is ready.</summary>
    public async Task<RunningApp> StartAsync(string? dataDirectory)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("tandem-cwd-").FullName;
        var address = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(Folder, "tandem.dll"), "--urls", address },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // As a service manager starts it: production settings, none of this test host's.
        foreach (var inherited in new[] { "ASPNETCORE_CONTENTROOT", "DOTNET_CONTENTROOT", "ASPNETCORE_URLS", "ConnectionStrings__Tandem", "Database__Provider", "DataDirectory" })
        {
            start.Environment.Remove(inherited);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (dataDirectory is not null)
        {
            start.Environment["DataDirectory"] = dataDirectory;
        }
        var app = new RunningApp(Process.Start(start)!, workingDirectory, new Uri(address));
        await app.WaitUntilReadyAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
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

    public RunningApp(Process process, string workingDirectory, Uri address)
    {
        this.process = process;
        WorkingDirectory = workingDirectory;
        Client = new HttpClient { BaseAddress = address };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string WorkingDirectory { get; }

    public HttpClient Client { get; }

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
