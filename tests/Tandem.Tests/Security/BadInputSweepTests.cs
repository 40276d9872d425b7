using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Notifications;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Relationships;
using Xunit.Abstractions;

namespace Tandem.Tests.Security;

public enum Caller { Anonymous, Participant, Coordinator, Administrator }

/// <summary>
/// One program with real people and real objects in it (an approved mentor and mentee in a relationship,
/// a meeting, applications, an invitation, an information session, a matching draft, notifications),
/// so that the sweep's route values and body ids point at things that exist and its bad input reaches
/// as deep into each endpoint as it can. Made once for all the sweep's callers.
/// </summary>
public sealed class SweepWorld : IAsyncLifetime
{
    public TandemFactory Factory { get; } = new();
    public Dictionary<string, string> RouteValues { get; } = new();
    public Dictionary<string, Guid> Ids { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HttpClient Participant { get; private set; } = default!;
    public HttpClient Coordinator { get; private set; } = default!;
    public HttpClient Administrator { get; private set; } = default!;
    public JsonObject Document { get; private set; } = default!;
    /// <summary>The objects the world failed to make (their route values are made-up ids, so the sweep reaches less deep).</summary>
    public List<string> Missing { get; } = [];

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Factory).InitializeAsync();
        var program = await PairingProgram.CreateAsync(Factory);
        var mentor = await program.ApproveAsync("Mentor Sweep", "mentor", capacity: 2);
        var mentee = await program.ApproveAsync("Mentee Sweep", "mentee");
        var waiting = await program.ApproveAsync("Waiting Sweep", "mentee");
        var relationship = await program.StartAsync(mentor, mentee);
        Coordinator = program.Coordinator;
        Participant = mentee.Client;
        Administrator = await Factory.SignedInClientAsync(await Factory.CreateUserAsync("Ada Sweep", administrator: true));
        var spare = await Factory.CreateUserAsync("Spare Sweep");
        var programId = program.Program.Id;

        var meeting = await IdAsync(mentee.Client.PostAsJsonAsync($"/api/v1/relationships/{relationship.Id}/meetings",
            new { startsAt = Factory.Clock.GetUtcNow().AddDays(10).ToString("yyyy-MM-ddT10:00:00Z"), durationMinutes = 60, mode = "InPerson", place = "Library" }));
        var application = await IdAsync(mentee.Client.GetAsync("/api/v1/me/applications"));
        var invitation = await IdAsync(Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/invitations",
            new { email = "invited.sweep@test.example", role = "Mentee" }));
        var session = await IdAsync(Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/information-sessions",
            new { title = "Meet the mentors", startsAt = Factory.Clock.GetUtcNow().AddDays(5).ToString("yyyy-MM-ddT17:00:00Z"), timeZoneId = "Europe/London", place = "Hall" }));
        var draft = await IdAsync(Coordinator.PostAsync($"/api/v1/programs/{programId}/matching/drafts", Json.Empty()));
        await Factory.WithScopeAsync(async s =>
        {
            await s.GetRequiredService<Notify>().RunAsync(mentee.User.Id, NotificationKind.Messages, "Your mentor wrote", "See your relationship.", "/relationships/mine", CancellationToken.None);
            return 0;
        });
        var notification = await IdAsync(mentee.Client.GetAsync("/api/v1/me/notifications"));
        var survey = await IdAsync(Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/surveys", new { template = "NeedsAssessment" }));
        await Coordinator.PostAsync($"/api/v1/surveys/{survey}/send", Json.Empty());
        var surveyInvitation = await IdAsync(mentee.Client.GetAsync("/api/v1/me/surveys"));
        await mentee.Client.PostAsJsonAsync($"/api/v1/programs/{programId}/suggestions", new { text = "A sweep suggestion" });
        var suggestion = await IdAsync(Coordinator.GetAsync($"/api/v1/programs/{programId}/suggestions"));

        void Route(string name, Guid? id)
        {
            if (id is null && name is not ("requestId" or "ruleId"))
            {
                Missing.Add(name);
            }
            RouteValues[name] = (id ?? Guid.NewGuid()).ToString();
        }
        Route("programId", programId);
        Route("organisationId", program.School.Organisation.Id);
        Route("relationshipId", relationship.Id);
        Route("meetingId", meeting);
        Route("applicationId", application);
        Route("invitationId", invitation);
        Route("sessionId", session);
        Route("draftId", draft);
        Route("notificationId", notification);
        Route("enrolmentId", waiting.EnrolmentId);
        Route("userId", spare.Id);
        Route("requestId", null);
        Route("ruleId", null);
        Route("surveyId", survey);
        Route("surveyInvitationId", surveyInvitation);
        Route("suggestionId", suggestion);
        RouteValues["role"] = "mentee";
        RouteValues["version"] = "1";

        Ids["organisationId"] = program.School.Organisation.Id;
        Ids["programId"] = programId;
        Ids["relationshipId"] = relationship.Id;
        Ids["meetingId"] = meeting ?? Guid.NewGuid();
        Ids["mentorEnrolmentId"] = mentor.EnrolmentId;
        Ids["memberEnrolmentId"] = waiting.EnrolmentId;
        Ids["firstEnrolmentId"] = mentor.EnrolmentId;
        Ids["secondEnrolmentId"] = waiting.EnrolmentId;
        Ids["enrolmentId"] = waiting.EnrolmentId;
        Ids["menteeEnrolmentId"] = waiting.EnrolmentId;
        Ids["applicationId"] = application ?? Guid.NewGuid();
        Ids["userId"] = spare.Id;

        var document = await Factory.AnonymousClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        Document = document!;
    }

    /// <summary>The id of what the call made or listed first; null when it did not work (the sweep then uses a made-up id).</summary>
    private static async Task<Guid?> IdAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var item = node switch
        {
            JsonArray array => array.FirstOrDefault(),
            JsonObject obj when obj["items"] is JsonArray items => items.FirstOrDefault(),
            _ => node,
        };
        return item?["id"] is { } id && Guid.TryParse(id.GetValue<string>(), out var guid) ? guid : null;
    }

    public HttpClient Client(Caller caller) => caller switch
    {
        Caller.Participant => Participant,
        Caller.Coordinator => Coordinator,
        Caller.Administrator => Administrator,
        _ => Factory.AnonymousClient(),
    };

    /// <summary>
    /// Who gets furthest into the operation, and so gets the whole set of hostile requests: anyone for signing
    /// in, the administrator for what only administrators may do, the participant for what a participant does
    /// for themselves, else the program's coordinator.
    /// </summary>
    public Caller DeepestCaller(ApiOperation operation) => operation.Template switch
    {
        "/api/v1/auth/sign-in" or "/api/v1/auth/password-reset-requests" or "/api/v1/auth/password-resets" or "/api/v1/auth/email-verifications" => Caller.Anonymous,
        "/api/v1/users" or "/api/v1/users/{userId}/disable" or "/api/v1/users/{userId}/enable" => Caller.Administrator,
        "/api/v1/organisations" when operation.Method == "POST" => Caller.Administrator,
        var t when t.StartsWith("/api/v1/me/", StringComparison.Ordinal) || t.StartsWith("/api/v1/mentor-requests", StringComparison.Ordinal)
            || t.Contains("/self-match/", StringComparison.Ordinal) || t.Contains("/fit-check", StringComparison.Ordinal)
            || t.Contains("/sign-up", StringComparison.Ordinal) || t == "/api/v1/invitations/accept"
            || t == "/api/v1/auth/password" || t == "/api/v1/auth/email-verification-requests" || t.StartsWith("/api/v1/meetings/", StringComparison.Ordinal)
            || (t == "/api/v1/programs/{programId}/applications" && operation.Method == "POST")
            || (t.EndsWith("/check-ins", StringComparison.Ordinal) && operation.Method == "POST")
            || (t.EndsWith("/meetings", StringComparison.Ordinal) && operation.Method == "POST") => Caller.Participant,
        _ => Caller.Coordinator,
    };

    public async Task DisposeAsync() => await ((IAsyncLifetime)Factory).DisposeAsync();
}

/// <summary>
/// The bad-input sweep (docs/security.md, "No 500 from input"): every operation in the app's own OpenAPI
/// document, called over HTTP anonymously, as a participant, as the program's coordinator and as an
/// administrator, with hostile route values, query values and bodies. Nothing may answer 5xx, and every
/// 4xx must be a ProblemDetails body (application/problem+json). Runs on SQLite and on PostgreSQL.
/// </summary>
[RunsLong(40)]
public sealed class BadInputSweepTests(SweepWorld world, ITestOutputHelper output) : IClassFixture<SweepWorld>
{
    [Fact]
    public Task AnonymousCallersGetNoServerErrorAndOnlyProblemDetails() => SweepAsync(Caller.Anonymous);

    [Fact]
    public Task AParticipantGetsNoServerErrorAndOnlyProblemDetails() => SweepAsync(Caller.Participant);

    [Fact]
    public Task TheCoordinatorGetsNoServerErrorAndOnlyProblemDetails() => SweepAsync(Caller.Coordinator);

    [Fact]
    public Task AnAdministratorGetsNoServerErrorAndOnlyProblemDetails() => SweepAsync(Caller.Administrator);

    [Fact]
    public void TheSweepCoversEveryDocumentedOperation()
    {
        var operations = Requests().Operations();
        Assert.True(operations.Count > 90, $"The OpenAPI document lists only {operations.Count} operations.");
        Assert.Contains(operations, o => o.Method == "GET" && o.Template == "/api/v1/programs");
        Assert.Contains(operations, o => o.Method == "POST" && o.Template == "/api/v1/relationships/{relationshipId}/check-ins");
        Assert.All(world.RouteValues.Where(v => v.Key.EndsWith("Id")), v => Assert.True(Guid.TryParse(v.Value, out _)));
        Assert.Empty(world.Missing);
        Assert.Contains(Caller.Participant, operations.Select(world.DeepestCaller));
        Assert.Contains(Caller.Administrator, operations.Select(world.DeepestCaller));
    }

    private HostileRequests Requests() => new(world.Document, world.RouteValues, name => world.Ids.TryGetValue(name, out var id) ? id : null);

    /// <summary>
    /// Every operation gets a few of each kind of hostile request from every caller, and the whole set from
    /// the caller whose requests go deepest into it (the others are refused early, by the same code for all).
    /// </summary>
    private async Task SweepAsync(Caller caller)
    {
        var client = world.Client(caller);
        var requests = Requests();
        // Reads first, so that what the writes change (a program closed, a relationship ended) hides as little as possible.
        // A signed-in caller does not sign itself out.
        var operations = requests.Operations()
            .Where(o => caller == Caller.Anonymous || !(o.Method == "POST" && o.Template == "/api/v1/auth/sign-out"))
            .OrderBy(o => o.Method == "GET" ? 0 : 1).ThenBy(o => o.Template)
            .ToList();
        var failures = new List<string>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        foreach (var operation in operations)
        {
            foreach (var probe in requests.For(operation, full: world.DeepestCaller(operation) == caller))
            {
                using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url) { Content = probe.Content() };
                using var response = await client.SendAsync(request);
                sent++;
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                if (status >= 500 || (status >= 400 && mediaType != "application/problem+json"))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failures.Add($"{operation} [{probe.What}] → {status} {mediaType ?? "(no content type)"} {Shorten(body)}");
                }
            }
        }
        output.WriteLine($"{caller}: {sent} requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:F1} s; {failures.Count} failures.");
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {sent} hostile requests as {caller} answered 5xx or a 4xx without ProblemDetails:\n" + string.Join("\n", failures.Take(80)));
    }

    private static string Shorten(string body)
    {
        var oneLine = body.ReplaceLineEndings(" ");
        return oneLine.Length > 300 ? oneLine[..300] + "…" : oneLine;
    }
}
