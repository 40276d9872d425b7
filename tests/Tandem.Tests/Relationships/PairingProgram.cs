using System.Net.Http.Json;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

public sealed record Participant(UserSummary User, HttpClient Client, Guid EnrolmentId);

/// <summary>A recruiting mentor–mentee program whose mentors and mentees are approved through the real screening API.</summary>
public sealed record PairingProgram(TandemFactory Factory, School School, ProgramDetails Program, HttpClient Coordinator)
{
    public static readonly object[] Questions =
    [
        new { id = "subject", type = "SingleChoice", prompt = "Which subject?", options = new[] { "Maths", "English", "Science" }, required = true, criterion = "SameValue" },
        new { id = "free", type = "Availability", prompt = "When are you free?", required = false, criterion = "AvailabilityOverlap" },
        new { id = "secret", type = "SingleChoice", prompt = "Do you have a learning difficulty?", options = new[] { "Dyslexia", "None" }, required = false, @private = true, criterion = "SameValue" },
    ];

    /// <param name="formats">The meeting formats; one-to-one in person when omitted.</param>
    public static async Task<PairingProgram> CreateAsync(TandemFactory factory, string[]? formats = null)
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var body = System.Text.Json.JsonSerializer.SerializeToNode(School.ValidProgram(school.Organisation.Id))!.AsObject();
        if (formats is not null)
        {
            body["meetingFormats"] = new System.Text.Json.Nodes.JsonArray(formats.Select(f => (System.Text.Json.Nodes.JsonNode?)f).ToArray());
        }
        var created = await coordinator.PostAsJsonAsync("/api/v1/programs", body);
        created.EnsureSuccessStatusCode();
        var program = (await created.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
        foreach (var role in new[] { "mentor", "mentee" })
        {
            (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/{role}", new { questions = Questions })).EnsureSuccessStatusCode();
        }
        await coordinator.OpenRecruitmentAsync(program.Id);
        return new PairingProgram(factory, school, program, coordinator);
    }

    public string Relationships => $"/api/v1/programs/{Program.Id}/relationships";

    /// <summary>The in-app notifications of whoever the client is signed in as, newest first.</summary>
    public static async Task<IReadOnlyList<Tandem.Features.Notifications.NotificationView>> NoticesAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/me/notifications");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Paged<Tandem.Features.Notifications.NotificationView>>(Json.Options))!.Items;
    }

    /// <summary>A new person applies for the role with the answers and is approved (mentors with the capacity).</summary>
    public async Task<Participant> ApproveAsync(string name, string role, string subject = "Maths", int[]? free = null, string secret = "None", int capacity = 1)
    {
        var user = await Factory.CreateUserAsync(name);
        var client = await Factory.SignedInClientAsync(user);
        var enrolmentId = await Approvals.ApplyAndApproveAsync(client, Coordinator, Program.Id, role,
            new Dictionary<string, object> { ["subject"] = subject, ["free"] = free ?? [10, 11], ["secret"] = secret }, capacity);
        return new Participant(user, client, enrolmentId);
    }

    public Task<HttpResponseMessage> TryStartAsync(DateOnly? startsOn = null, params Participant[] members) =>
        Coordinator.PostAsJsonAsync(Relationships, new
        {
            memberEnrolmentIds = members.Select(m => m.EnrolmentId).ToArray(),
            kind = members.Length == 2 ? "Pair" : "Group",
            startsOn = (startsOn ?? Factory.Today).ToString("yyyy-MM-dd"),
            source = "Manual",
            matchExplanation = "Both chose Maths",
            matchScore = 80,
        });

    public async Task<RelationshipView> StartAsync(params Participant[] members) => await StartOnAsync(null, members);

    public async Task<RelationshipView> StartOnAsync(DateOnly? startsOn, params Participant[] members)
    {
        var response = await TryStartAsync(startsOn, members);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Starting failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<RelationshipView>(Json.Options))!;
    }
}
