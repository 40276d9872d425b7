using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Tandem.Tests.Recruitment;

/// <summary>A real SMTP server in the test process (the SmtpServer package) that keeps what it receives.</summary>
public sealed class SmtpCapture : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string[] Recipients, MimeMessage Message)> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public SmtpCapture() : this(FreePort())
    {
    }

    /// <summary>A server on a given port (e.g. one an app was already told about while nothing listened there).</summary>
    public SmtpCapture(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("tests.localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    public IReadOnlyList<(string[] Recipients, MimeMessage Message)> Received => _received.ToList();

    /// <summary>The messages sent to this address (envelope recipient), waiting briefly for them to arrive.</summary>
    public async Task<IReadOnlyList<MimeMessage>> ForAsync(string email, int expected = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = _received.Where(r => r.Recipients.Contains(email, StringComparer.OrdinalIgnoreCase)).Select(r => r.Message).ToList();
            if (found.Count >= expected || DateTime.UtcNow > deadline)
            {
                return found;
            }
            await Task.Delay(50);
        }
    }

    public int CountFor(string email) => _received.Count(r => r.Recipients.Contains(email, StringComparer.OrdinalIgnoreCase));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(SmtpCapture capture) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(SmtpServer.ISessionContext context, SmtpServer.IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            var recipients = transaction.To.Select(m => $"{m.User}@{m.Host}").ToArray();
            capture._received.Enqueue((recipients, message));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
