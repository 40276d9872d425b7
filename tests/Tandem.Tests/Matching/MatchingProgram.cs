using System.Net.Http.Json;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Matching;

/// <summary>One approved participant of a matching test pool.</summary>
public sealed record Member(string Name, UserSummary User, Guid EnrolmentId, ProgramRole Role);

/// <summary>
/// A recruiting mentor–mentee program whose forms feed matching: subject (same value), interests (shared values),
/// year (numeric gap), free time (availability), a private "background" criterion, a public introduction and a
/// private health question. People apply through the API and the coordinator approves them.
/// </summary>
public sealed class MatchingProgram
{
    private readonly TandemFactory _factory;
    private readonly Func<UserSummary, Task<HttpClient>> _signIn;

    private MatchingProgram(TandemFactory factory, Func<UserSummary, Task<HttpClient>> signIn, School school, ProgramDetails program, HttpClient coordinator)
    {
        _factory = factory;
        _signIn = signIn;
        School = school;
        Program = program;
        Coordinator = coordinator;
    }

    public School School { get; }
    public ProgramDetails Program { get; }
    public HttpClient Coordinator { get; }
    public Dictionary<string, Member> People { get; } = [];
    public string Api => $"/api/v1/programs/{Program.Id}/matching";

    public static object[] Questions(bool mentor) =>
    [
        new { id = "subject", type = "SingleChoice", prompt = mentor ? "Which subject can you help with?" : "Which subject do you want help with?", options = new[] { "Maths", "English", "Science" }, required = true, criterion = "SameValue" },
        new { id = "interests", type = "MultipleChoice", prompt = "What do you enjoy?", options = new[] { "Sport", "Music", "Games", "Reading" }, required = false, criterion = "SharedValues" },
        new { id = "year", type = "Scale", prompt = "Which year are you in?", required = true, criterion = "NumericGap" },
        new { id = "free", type = "Availability", prompt = "When are you free?", required = false, criterion = "AvailabilityOverlap" },
        new { id = "background", type = "SingleChoice", prompt = "Which part of town do you live in?", options = new[] { "Northside", "Southside" }, required = false, @private = true, criterion = "DifferentValue" },
        new { id = "intro", type = "ShortText", prompt = "Say hello to your future partner:", required = false },
        new { id = "health", type = "ShortText", prompt = "Anything about your health we should know?", required = false, @private = true },
    ];

    /// <param name="formats">The program's meeting formats; one-to-one in person when omitted.</param>
    public static async Task<MatchingProgram> CreateAsync(TandemFactory factory, Func<UserSummary, Task<HttpClient>>? signIn = null, string pairing = "MentorMentee",
        string[]? formats = null)
    {
        signIn ??= user => factory.SignedInClientAsync(user);
        var school = await School.CreateAsync(factory);
        var coordinator = await signIn(school.Coordinator);
        var body = School.ValidProgram(school.Organisation.Id);
        var json = System.Text.Json.JsonSerializer.SerializeToNode(body)!.AsObject();
        json["pairing"] = pairing;
        if (formats is not null)
        {
            json["meetingFormats"] = new System.Text.Json.Nodes.JsonArray(formats.Select(f => (System.Text.Json.Nodes.JsonNode?)f).ToArray());
        }
        var created = await coordinator.PostAsJsonAsync("/api/v1/programs", json);
        created.EnsureSuccessStatusCode();
        var program = (await created.Content.ReadFromJsonAsync<ProgramDetails>(Json.Options))!;
        var roles = pairing == "PeerToPeer" ? new[] { "peer" } : ["mentor", "mentee"];
        foreach (var role in roles)
        {
            (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/{role}", new { questions = Questions(role == "mentor") })).EnsureSuccessStatusCode();
        }
        await coordinator.OpenRecruitmentAsync(program.Id);
        return new MatchingProgram(factory, signIn, school, program, coordinator);
    }

    /// <summary>A new account applies with these answers and the coordinator approves it (mentors with a capacity).</summary>
    public async Task<Member> ApproveAsync(string name, string role, string subject, string[] interests, int year, int[] free,
        string background = "Northside", string intro = "Hello!", string health = "Nothing to report", int capacity = 1)
    {
        var user = await _factory.CreateUserAsync(name);
        var client = await _signIn(user);
        var enrolmentId = await Approvals.ApplyAndApproveAsync(client, Coordinator, Program.Id, role, new Dictionary<string, object>
        {
            ["subject"] = subject,
            ["interests"] = interests,
            ["year"] = year,
            ["free"] = free,
            ["background"] = background,
            ["intro"] = intro,
            ["health"] = health,
        }, capacity);
        var member = new Member(name, user, enrolmentId, Enum.Parse<ProgramRole>(role, ignoreCase: true));
        People[name] = member;
        return member;
    }

    public async Task<HttpClient> SignInAsync(string name) => await _signIn(People[name].User);

    /// <summary>
    /// The hand-checked pool: mentors Maya (Maths, Music/Sport, year 5, free 10–12) and Ned (English, Games, year 4,
    /// free 50); mentees Ella (Maths, Music, year 2, free 10–11), Finn (English, Games/Reading, year 3, free 60) and
    /// Gus (Science, year 5: no mentor is a year ahead).
    /// </summary>
    public async Task AddSmallPoolAsync()
    {
        await ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music", "Sport"], 5, [10, 11, 12], background: "Northside", intro: "I love algebra and jazz.");
        await ApproveAsync("Ned Mentor", "mentor", "English", ["Games"], 4, [50], background: "Northside", intro: "Poetry fan.");
        await ApproveAsync("Ella Mentee", "mentee", "Maths", ["Music"], 2, [10, 11], background: "Northside", intro: "I want to get better at fractions.", health: "Asthma");
        await ApproveAsync("Finn Mentee", "mentee", "English", ["Games", "Reading"], 3, [60], background: "Southside");
        await ApproveAsync("Gus Mentee", "mentee", "Science", [], 5, [], background: "Southside");
    }

    /// <summary>Subject 10, interests 3 per shared value, 1 per common hour, mentor at least a year ahead (required, 0 points), background different 2.</summary>
    public static object SmallPoolSetup(int subjectWeight = 10) => new
    {
        criteria = new object[]
        {
            new { name = "subject", kind = "SameValue", questionId = "subject", weight = subjectWeight },
            new { name = "interests", kind = "SharedValues", questionId = "interests", weight = 3 },
            new { name = "free time", kind = "AvailabilityOverlap", questionId = "free", weight = 1 },
            new { name = "year", kind = "NumericGap", questionId = "year", weight = 0, required = true, minimum = 1 },
            new { name = "background", kind = "DifferentValue", questionId = "background", weight = 2 },
        },
    };

    public async Task<MatchingSetupView> SaveSetupAsync(object setup)
    {
        var response = await Coordinator.PutAsJsonAsync($"{Api}/setup", setup);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Saving the setup failed: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<MatchingSetupView>(Json.Options))!;
    }

    public async Task<MatchDraftView> RunAsync()
    {
        var response = await Coordinator.PostAsync($"{Api}/drafts", Json.Empty());
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Running failed: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<MatchDraftView>(Json.Options))!;
    }

    public async Task<HttpResponseMessage> RuleAsync(string kind, string first, string second) =>
        await Coordinator.PostAsJsonAsync($"{Api}/rules", new { kind, firstEnrolmentId = People[first].EnrolmentId, secondEnrolmentId = People[second].EnrolmentId });
}

public static class DraftExtensions
{
    /// <summary>Pairs as "first–second" names, e.g. "Maya Mentor–Ella Mentee".</summary>
    public static IReadOnlyList<string> Pairs(this MatchDraftView draft) =>
        draft.Proposals.Items.Select(p => $"{p.First.Name}–{p.Second.Name}").Order().ToList();
}
