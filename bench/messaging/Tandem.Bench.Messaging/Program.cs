using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

// The messaging benchmark (issue 12): every member of the signed-in pairs follows their conversation over the hub; for a
// fixed time, messages are sent over HTTP at a target rate by a random member of a random pair; the partner's client
// records when each arrives. Sender and receivers are in this one process, so one clock times a delivery: from just
// before the POST to the partner's "message" event. Usage:
//   Tandem.Bench.Messaging BASE_URL USERS_LUA SECONDS RATES   (RATES: messages per second, comma-separated: one phase each)
var baseUrl = args[0].TrimEnd('/');
var pairs = Regex.Matches(File.ReadAllText(args[1]), "rel = \"([^\"]+)\", mentee = \"([^\"]*)\", mentor = \"([^\"]*)\"")
    .Select(m => (Rel: Guid.Parse(m.Groups[1].Value), Mentee: m.Groups[2].Value, Mentor: m.Groups[3].Value))
    .Where(p => p.Mentee.Length > 0 && p.Mentor.Length > 0).ToList();
var seconds = int.Parse(args[2]);
var rates = args[3].Split(',').Select(int.Parse).ToList();

var sentAt = new ConcurrentDictionary<string, long>();
var latencies = new ConcurrentBag<double>();
long deliveries = 0, partnerDeliveries = 0, sendErrors = 0, sent = 0, disconnects = 0;
var measuring = false;

async Task<HubConnection> ConnectAsync(Guid rel, string cookie, string me)
{
    var hub = new HubConnectionBuilder()
        .WithUrl(baseUrl + "/hubs/conversations", o =>
        {
            o.Headers["Cookie"] = cookie;
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        })
        .Build();
    hub.ServerTimeout = TimeSpan.FromMinutes(2);
    hub.On<JsonElement>("message", m =>
    {
        var now = Stopwatch.GetTimestamp();
        if (!measuring)
        {
            return;
        }
        Interlocked.Increment(ref deliveries);
        var body = m.GetProperty("body").GetString() ?? "";
        // The sender's own client also receives the message; the delivery timed is the partner's.
        if (!body.StartsWith(me + ":", StringComparison.Ordinal) && sentAt.TryGetValue(body, out var start))
        {
            Interlocked.Increment(ref partnerDeliveries);
            latencies.Add(Stopwatch.GetElapsedTime(start, now).TotalMilliseconds);
        }
    });
    hub.Closed += _ => { Interlocked.Increment(ref disconnects); return Task.CompletedTask; };
    await hub.StartAsync();
    await hub.InvokeAsync("Follow", rel);
    return hub;
}

var connectWatch = Stopwatch.StartNew();
var clients = new List<HubConnection>();
using (var gate = new SemaphoreSlim(32))
{
    var tasks = pairs.SelectMany(p => new[] { (p.Rel, Cookie: p.Mentee, Me: "mentee-" + p.Rel), (p.Rel, Cookie: p.Mentor, Me: "mentor-" + p.Rel) })
        .Select(async c =>
        {
            await gate.WaitAsync();
            try
            {
                var hub = await ConnectAsync(c.Rel, c.Cookie, c.Me);
                lock (clients)
                {
                    clients.Add(hub);
                }
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
    await Task.WhenAll(tasks);
}
Console.WriteLine($"LOAD connected {clients.Count} clients of {pairs.Count * 2} in {connectWatch.Elapsed.TotalSeconds:0.0} s");

// Each sender is one signed-in member's HTTP client (its cookie); requests go out at the target rate from a timer.
var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
var random = new Random(17);
long n = 0;
foreach (var rate in rates)
{
    sentAt.Clear();
    latencies.Clear();
    deliveries = partnerDeliveries = sendErrors = sent = 0;
    measuring = true;
    var run = Stopwatch.StartNew();
    var inFlight = new List<Task>();
    var interval = TimeSpan.FromSeconds(1.0 / rate);
    long k = 0;
    while (run.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        var due = TimeSpan.FromTicks(interval.Ticks * k);
        if (due > run.Elapsed)
        {
            await Task.Delay(due - run.Elapsed);
        }
        k++;
        n++;
        var p = pairs[random.Next(pairs.Count)];
        var fromMentee = random.Next(2) == 0;
        var me = (fromMentee ? "mentee-" : "mentor-") + p.Rel;
        var body = $"{me}:{n}";
        inFlight.Add(Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/relationships/{p.Rel}/conversation/messages")
            {
                Content = JsonContent.Create(new { body, clientMessageId = Guid.NewGuid() }),
            };
            request.Headers.Add("Cookie", fromMentee ? p.Mentee : p.Mentor);
            sentAt[body] = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref sent);
            }
            else
            {
                Interlocked.Increment(ref sendErrors);
            }
        }));
    }
    await Task.WhenAll(inFlight);
    var sendSeconds = run.Elapsed.TotalSeconds;
    await Task.Delay(TimeSpan.FromSeconds(2));
    measuring = false;

    var sorted = latencies.OrderBy(x => x).ToArray();
    double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    var lost = sent - partnerDeliveries;
    Console.WriteLine($"LOAD {clients.Count} clients, target {rate} messages/s: sent {sent} ({sent / sendSeconds:0} /s), send errors {sendErrors}, " +
        $"deliveries {deliveries} ({deliveries / sendSeconds:0} /s, to sender and partner), to the partner {partnerDeliveries}, not delivered {lost}, " +
        $"latency to the partner p50 {P(0.50):0.0} ms, p90 {P(0.90):0.0} ms, p99 {P(0.99):0.0} ms, max {P(1.0):0.0} ms, disconnects {disconnects}");
}
await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
