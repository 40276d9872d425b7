using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tandem.Infrastructure.Email;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>Links are built from Email:PublicBaseUrl; outside Development the start-up log warns when it is not set.</summary>
public sealed class PublicAddressTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private async Task<List<string>> StartupWarningsAsync(Action<IWebHostBuilder> configure)
    {
        var log = new CapturedLog();
        await using var node = factory.WithWebHostBuilder(b =>
        {
            configure(b);
            b.ConfigureLogging(logging => logging.AddProvider(log));
        });
        using var client = node.CreateClient(); // starts the host
        return log.Entries.Where(e => e.Category == typeof(PublicAddressCheck).FullName && e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
    }

    [Fact]
    public async Task OutsideDevelopmentTheStartUpLogWarnsWhenNoPublicAddressIsSet()
    {
        var warning = Assert.Single(await StartupWarningsAsync(_ => { }));
        Assert.Contains("Email:PublicBaseUrl is not set", warning);
        Assert.Contains("http://localhost:5000", warning);
    }

    [Fact]
    public async Task NoWarningWhenThePublicAddressIsSetOrInDevelopment()
    {
        Assert.Empty(await StartupWarningsAsync(b => b.UseSetting("Email:PublicBaseUrl", "https://tandem.example.org")));
        Assert.Empty(await StartupWarningsAsync(b => b.UseEnvironment("Development")));
    }

    private sealed record Entry(string Category, LogLevel Level, string Message);

    private sealed class CapturedLog : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue(new Entry(category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
