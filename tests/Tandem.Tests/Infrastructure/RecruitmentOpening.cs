using System.Net.Http.Json;
using Tandem.Features.Applications;
using Tandem.Features.Programs;

namespace Tandem.Tests.Infrastructure;

/// <summary>Opening recruitment the way a coordinator must: every role the program recruits has an application form first.</summary>
public static class RecruitmentOpening
{
    /// <summary>The form a role gets when its test does not care about questions: one optional question.</summary>
    public static readonly object[] MinimalQuestions =
    [
        new { id = "note", type = "LongText", prompt = "Anything the coordinators should know?", required = false },
    ];

    /// <summary>Gives each recruited role without a form the minimal one, then moves the program to recruiting (and checks it did).</summary>
    public static async Task OpenRecruitmentAsync(this HttpClient coordinator, Guid programId)
    {
        var program = (await coordinator.GetFromJsonAsync<ProgramDetails>($"/api/v1/programs/{programId}", Json.Options))!;
        var forms = (await coordinator.GetFromJsonAsync<List<QuestionnaireSummary>>($"/api/v1/programs/{programId}/questionnaires", Json.Options))!;
        ProgramRole[] roles = program.Pairing == PairingModel.PeerToPeer ? [ProgramRole.Peer] : [ProgramRole.Mentor, ProgramRole.Mentee];
        foreach (var role in roles.Where(r => forms.All(f => f.Role != r)))
        {
            (await coordinator.PutAsJsonAsync($"/api/v1/programs/{programId}/questionnaires/{role.ToString().ToLowerInvariant()}",
                new { questions = MinimalQuestions })).EnsureSuccessStatusCode();
        }
        var moved = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/status", new { status = "Recruiting" });
        if (!moved.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Opening recruitment failed: {(int)moved.StatusCode} {await moved.Content.ReadAsStringAsync()}");
        }
    }
}
