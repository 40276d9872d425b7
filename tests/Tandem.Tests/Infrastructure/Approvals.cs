using System.Net.Http.Json;
using Tandem.Features.Applications;

namespace Tandem.Tests.Infrastructure;

/// <summary>Fills a program's pool the way people do: the applicant submits answers, the coordinator approves.</summary>
public static class Approvals
{
    /// <summary>Submits an application for the role and approves it (mentors with the capacity); returns the new enrolment.</summary>
    public static async Task<Guid> ApplyAndApproveAsync(HttpClient applicant, HttpClient coordinator, Guid programId, string role,
        IReadOnlyDictionary<string, object> answers, int capacity = 1)
    {
        var applied = await applicant.PostAsJsonAsync($"/api/v1/programs/{programId}/applications",
            new { role, answers, acceptsCodeOfConduct = true, submit = true });
        if (!applied.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Applying failed: {await applied.Content.ReadAsStringAsync()}");
        }
        var application = (await applied.Content.ReadFromJsonAsync<MyApplicationView>(Json.Options))!;
        var decided = await coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/applications/{application.Id}/decision",
            new { decision = "Approve", mentorCapacity = role == "mentor" ? capacity : (int?)null });
        if (!decided.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Approving failed: {await decided.Content.ReadAsStringAsync()}");
        }
        return (await decided.Content.ReadFromJsonAsync<DecisionResult>(Json.Options))!.EnrolmentId!.Value;
    }
}
