using System.Net.Http.Json;
using System.Text.Json;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Applications;

/// <summary>A school whose program is recruiting, with a mentor form that has one question of each type.</summary>
public sealed record RecruitingProgram(School School, ProgramDetails Program, HttpClient Coordinator)
{
    public static readonly object[] MentorQuestions =
    [
        new { id = "subject", type = "SingleChoice", prompt = "Which subject can you help with?", options = new[] { "Maths", "English", "Science" }, required = true, criterion = "SameValue" },
        new { id = "interests", type = "MultipleChoice", prompt = "What do you enjoy?", options = new[] { "Sport", "Music", "Games", "Reading" }, required = false, criterion = "SharedValues" },
        new { id = "confidence", type = "Scale", prompt = "How confident are you explaining things?", required = true, criterion = "NumericGap" },
        new { id = "why", type = "ShortText", prompt = "Why do you want to mentor?", required = true },
        new { id = "about", type = "LongText", prompt = "Tell us about yourself", required = false },
        new { id = "free", type = "Availability", prompt = "When are you free?", required = true, criterion = "AvailabilityOverlap" },
        new { id = "formats", type = "RankedChoice", prompt = "Rank the meeting formats", options = new[] { "In person", "Online" }, required = false },
        new { id = "health", type = "ShortText", prompt = "Anything about your health we should know?", required = false, @private = true },
        new { id = "photos", type = "Consent", prompt = "May we use photos of you in the newsletter?", required = false },
        new { id = "rules", type = "Consent", prompt = "I will keep what my mentee tells me confidential", required = true },
    ];

    public static Dictionary<string, object> CompleteAnswers() => new()
    {
        ["subject"] = "Maths",
        ["interests"] = new[] { "Music", "Sport" },
        ["confidence"] = 4,
        ["why"] = "I struggled with maths and want to help.",
        ["free"] = new[] { 18, 19, 42 },
        ["formats"] = new[] { "Online", "In person" },
        ["health"] = "Asthma",
        ["photos"] = false,
        ["rules"] = true,
    };

    public static async Task<RecruitingProgram> CreateAsync(TandemFactory factory, School? school = null)
    {
        school ??= await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        (await coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Id}/questionnaires/mentor", new { questions = MentorQuestions })).EnsureSuccessStatusCode();
        await coordinator.OpenRecruitmentAsync(program.Id);
        return new RecruitingProgram(school, program, coordinator);
    }

    public string Applications => $"/api/v1/programs/{Program.Id}/applications";

    /// <summary>A new account that submits a complete mentor application (or the given role and answers).</summary>
    public async Task<(HttpClient Client, MyApplicationView Application)> ApplyAsync(
        TandemFactory factory, string name, Dictionary<string, object>? answers = null, string role = "mentor", bool submit = true)
    {
        var applicant = await factory.CreateUserAsync(name);
        var client = await factory.SignedInClientAsync(applicant);
        var response = await client.PostAsJsonAsync(Applications, new
        {
            role,
            answers = answers ?? (role == "mentor" ? CompleteAnswers() : new Dictionary<string, object>()),
            acceptsCodeOfConduct = true,
            submit,
        });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Applying failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (client, (await response.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!);
    }

    public async Task<CriterionView> AddCriterionAsync(string name)
    {
        var response = await Coordinator.PostAsJsonAsync($"{Applications}/criteria", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CriterionView>(Json.Options))!;
    }
}

public static class JsonAnswers
{
    public static string Text(this IReadOnlyDictionary<string, JsonElement> answers, string id) => answers[id].ToString();
}
