using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Infrastructure.Hosting;

namespace Tandem.Tests.Operations;

/// <summary>
/// A command line that cannot surprise (issue 18, item 6): what is not a command or a setting is an error that names
/// the command that was meant, and nothing starts: no web server, no database file.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), $"tandem-cli-{Guid.NewGuid():N}");
    private readonly int port = FreePort();

    [Theory]
    [InlineData("migrat", "migrate")]
    [InlineData("Migrate", "migrate")]
    [InlineData("sed", "seed")]
    [InlineData("serv", "serve")]
    public async Task AMistypedCommandIsAnErrorThatSuggestsTheCommandAndStartsNothing(string typo, string meant)
    {
        var (exit, output, error) = await RunAsync(typo);

        Assert.Equal(1, exit);
        Assert.Contains($"'{typo}' was not matched. Did you mean one of the following?", error);
        Assert.Contains($"Unrecognized command or argument '{typo}'.", error);
        Assert.Contains($"\n{meant}", error.ReplaceLineEndings("\n"));
        Assert.Contains("Nothing was started", error);
        Assert.Equal("", output);
        AssertNothingStarted();
    }

    [Fact]
    public async Task AMistypedSubcommandIsAnErrorThatSuggestsTheSubcommand()
    {
        var (exit, output, error) = await RunAsync("seed", "demoo");

        Assert.Equal(1, exit);
        Assert.Contains("'demoo' was not matched. Did you mean one of the following?", error);
        Assert.Contains("\ndemo", error.ReplaceLineEndings("\n"));
        Assert.Contains("tandem seed --help", error);
        Assert.DoesNotContain("demo data is ready", output);
        AssertNothingStarted();
    }

    [Theory]
    [InlineData(new[] { "serve", "now" }, "'now' is not an option of `tandem serve`")]
    [InlineData(new[] { "migrate", "now" }, "'now' is not an option of `tandem migrate`")]
    [InlineData(new[] { "--environment" }, "'--environment' needs a value")]
    [InlineData(new[] { "-e", "Production" }, "Unrecognized command or argument '-e'.")]
    public async Task WhatTheHostWouldSkipWithoutAWordIsAnError(string[] args, string message)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Contains(message, error);
        AssertNothingStarted();
    }

    [Theory]
    [InlineData(new[] { "--Database:Provider=Mysql" }, "Database:Provider is 'Mysql': it must be Sqlite or Postgres.")]
    [InlineData(new[] { "serve", "--Database:Provider=Mysql" }, "Database:Provider is 'Mysql': it must be Sqlite or Postgres.")]
    [InlineData(new[] { "migrate", "--Database:Provider=Mysql" }, "Database:Provider is 'Mysql': it must be Sqlite or Postgres.")]
    [InlineData(new[] { "migrate", "--Database:Provider=Postgres" }, "ConnectionStrings:Tandem must be set when Database:Provider is Postgres.")]
    public async Task SettingsTheAppCannotBeBuiltWithStopItWithOneSentenceNotAStackTrace(string[] args, string message)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith("Nothing was started: ", error);
        Assert.Contains(message, error);
        Assert.Single(error.TrimEnd().ReplaceLineEndings("\n").Split('\n'));
        Assert.DoesNotContain("   at ", error);
        AssertNothingStarted();
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("migrate")]
    public async Task ASettingThatDoesNotConvertStopsTheStartWithOneSentenceNamingIt(string command)
    {
        var (exit, output, error) = await RunAsync(command, "--Email:Outbox:MaxAttempts=many");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal("Nothing was started: Failed to convert configuration value 'many' at 'Email:Outbox:MaxAttempts' to type 'System.Int32'.", error.Trim());
    }

    [Theory]
    [InlineData("backup", "Name the archive to write")]
    [InlineData("restore", "Name the archive to restore")]
    public async Task ABackupOrRestoreWithAnEmptyFileNameSaysWhatToName(string command, string message)
    {
        var (exit, _, error) = await RunAsync(command, "");

        Assert.Equal(1, exit);
        Assert.Contains(message, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task ADatabaseThatCannotBeReachedIsOneSentenceNotAStackTrace()
    {
        // Nothing listens on port 1.
        var (exit, _, error) = await RunAsync("migrate", "--Database:Provider=Postgres", "--ConnectionStrings:Tandem=Host=127.0.0.1;Port=1;Username=tandem;Password=x;Timeout=5");

        Assert.Equal(1, exit);
        Assert.StartsWith("Nothing was done: the database could not be opened", error);
        Assert.Single(error.TrimEnd().ReplaceLineEndings("\n").Split('\n'));
        Assert.DoesNotContain("Unhandled exception", error);
    }

    [Theory]
    [InlineData(new[] { "notifications", "digest", "--at", "0001-01-01T00:00Z" }, "--at: '0001-01-01T00:00Z' is not a time between the years 2000 and 9998")]
    [InlineData(new[] { "match", "--program", "0195a7e2-0000-7000-8000-000000000001", "--export", "/no-such-folder-6f1c/problem.json" }, "Nothing was exported: the folder /no-such-folder-6f1c does not exist.")]
    [InlineData(new[] { "privacy", "export", "--email", "a@example.org", "--reason", "Letter", "--output", "/no-such-folder-6f1c/a.json" }, "Nothing was exported: the folder /no-such-folder-6f1c does not exist.")]
    public async Task BadInputIsRefusedUpFrontWithExitCode2(string[] args, string message)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.True(exit == 2, error);
        Assert.Contains(message, error);
        Assert.DoesNotContain("Unhandled exception", error);
        AssertNothingStarted();
    }

    [Fact]
    public void SettingsInEveryFormTheHostReadsPassThrough()
    {
        string[] settings =
        [
            "--urls", "http://127.0.0.1:5000", "--environment=Production", "--contentRoot", "/srv/tandem", "/DataDirectory", "/var/lib/tandem",
            "Logging:LogLevel:Default=Warning", "--ConnectionStrings:Tandem", "Host=db;Database=tandem", "--Database:Provider=Postgres",
        ];

        Assert.Empty(HostArguments.Ignored(settings));
    }

    [Fact]
    public void TheContentRootIsTheAppsFolderUnlessConfigured()
    {
        using var byDefault = TandemApp.CreateBuilder([$"--DataDirectory={data}"]).Build();
        using var configured = TandemApp.CreateBuilder([$"--contentRoot={data}", "--DataDirectory=files"]).Build();

        Assert.Equal(AppContext.BaseDirectory, byDefault.Environment.ContentRootPath);
        Assert.Equal(data, configured.Environment.ContentRootPath.TrimEnd(Path.DirectorySeparatorChar));
        Assert.Equal(Path.Combine(data, "files"), configured.Services.GetRequiredService<DataDirectory>().Path);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] command)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // A server that did start would never return: fail after a minute rather than hang the run.
        var run = TandemCli.RunAsync([$"--DataDirectory={data}", "--urls", $"http://127.0.0.1:{port}", .. command], output, error);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1))) == run, "The command line started something that kept running.");
        return (await run, output.ToString(), error.ToString());
    }

    private void AssertNothingStarted()
    {
        Assert.False(Directory.Exists(data), $"{data} was made: something opened the database");
        using var client = new TcpClient();
        Assert.ThrowsAny<SocketException>(() => client.Connect(IPAddress.Loopback, port));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
