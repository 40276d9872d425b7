using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tandem.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 (a free port) standing in for Slack's and Teams' incoming webhooks: it records every
/// POST (path, content type, body, headers) and answers 200, or 500 for the next <see cref="FailNext"/> posts to a path,
/// or 401 when a check set with <see cref="Verify"/> refuses the post (an organisation's receiver checking signatures).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedPost> received = new();
    private readonly ConcurrentDictionary<string, int> failures = new();
    private readonly ConcurrentDictionary<string, Func<IReadOnlyDictionary<string, string>, string, bool>> checks = new();
    private readonly ConcurrentQueue<(string Path, HttpStatusCode Status, string Body)> answers = new();

    public sealed record ReceivedPost(string Path, string? ContentType, string Body, HttpStatusCode Answer)
    {
        public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    }

    private WebhookReceiver(WebApplication app) => this.app = app;

    public string BaseAddress { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**hook}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value!;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            if (receiver.TakeAnswer(path) is { } answer)
            {
                receiver.received.Enqueue(new ReceivedPost(path, context.Request.ContentType, body, answer.Status) { Headers = headers });
                return Results.Text(answer.Body, "application/json", statusCode: (int)answer.Status);
            }
            var refused = receiver.checks.TryGetValue(path, out var check) && !check(headers, body);
            var fail = !refused && receiver.failures.TryGetValue(path, out var left) && left > 0 && receiver.failures.TryUpdate(path, left - 1, left);
            var status = refused ? HttpStatusCode.Unauthorized : fail ? HttpStatusCode.InternalServerError : HttpStatusCode.OK;
            receiver.received.Enqueue(new ReceivedPost(path, context.Request.ContentType, body, status) { Headers = headers });
            return Results.Text(refused ? "bad signature" : fail ? "invalid_payload" : "ok", statusCode: (int)status);
        });
        await app.StartAsync();
        receiver.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    /// <summary>A fresh webhook address on this receiver (its path is the "secret").</summary>
    public string NewHook(string kind) => $"{BaseAddress}/{kind}/{Guid.NewGuid():N}";

    /// <summary>The next <paramref name="count"/> posts to this hook are answered 500.</summary>
    public void FailNext(string hook, int count) => failures[new Uri(hook).AbsolutePath] = count;

    /// <summary>The next post to this address is answered with this status and JSON body (a Graph API error, say); queued answers go in order.</summary>
    public void AnswerNext(string hook, HttpStatusCode status, string json) => answers.Enqueue((new Uri(hook).AbsolutePath, status, json));

    private (HttpStatusCode Status, string Body)? TakeAnswer(string path)
    {
        lock (answers)
        {
            var all = answers.ToList();
            var index = all.FindIndex(a => a.Path == path);
            if (index < 0)
            {
                return null;
            }
            answers.Clear();
            foreach (var (a, i) in all.Select((a, i) => (a, i)).Where(x => x.i != index))
            {
                answers.Enqueue(a);
            }
            return (all[index].Status, all[index].Body);
        }
    }

    /// <summary>Posts to this hook are checked (headers, raw body) and answered 401 when the check fails.</summary>
    public void Verify(string hook, Func<IReadOnlyDictionary<string, string>, string, bool> check) => checks[new Uri(hook).AbsolutePath] = check;

    public IReadOnlyList<ReceivedPost> To(string hook) => received.Where(r => r.Path == new Uri(hook).AbsolutePath).ToList();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
