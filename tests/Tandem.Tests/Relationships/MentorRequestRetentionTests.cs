using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

/// <summary>
/// ADR 126: retention times out a program's pending mentor requests, nobody told, and a decision on one after retention is
/// refused, so no decline's note is written after the program's words were anonymised. The only test of its class: it
/// moves its app's clock.
/// </summary>
public sealed class MentorRequestRetentionTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task APendingRequestTimesOutWithRetentionAndADeclineAfterItIsRefusedAndStoresNothing()
    {
        var program = await PairingProgram.CreateAsync(factory);
        var mentor = await program.ApproveAsync("Mia Mentor", "mentor");
        var mentee = await program.ApproveAsync("Max Mentee", "mentee");
        var programId = program.Program.Id;
        // Requests wait 60 days; the school keeps a closed program's data for a month: a request asked just before the close
        // is still pending when retention runs.
        (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{programId}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 60, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var asked = await mentee.Client.PostAsJsonAsync($"/api/v1/programs/{programId}/self-match/requests",
            new { mentorEnrolmentId = mentor.EnrolmentId, message = "Could you help me with fractions?" });
        Assert.True(asked.StatusCode == HttpStatusCode.Created, await asked.Content.ReadAsStringAsync());
        var request = (await asked.Content.ReadFromJsonAsync<MentorRequestView>(Json.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.PutAsJsonAsync($"/api/v1/organisations/{program.School.Organisation.Id}/retention",
            new { closedProgramMonths = 1 })).StatusCode);
        var closed = await program.Coordinator.PostAsJsonAsync($"/api/v1/programs/{programId}/status", new { status = "Closed" });
        Assert.True(closed.StatusCode == HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());

        factory.Clock.Advance(TimeSpan.FromDays(40));
        var pass = await factory.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());
        Assert.Single(pass.Programs, p => p.ProgramId == programId);
        var noticesBefore = await NoticesAsync(mentee.User.Id);

        var declining = await (await factory.SignedInClientAsync(mentor.User)).PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision",
            new { accept = false, note = "Sorry, I am full this term." });

        Assert.Equal(HttpStatusCode.Conflict, declining.StatusCode);
        Assert.Contains("anonymised", await declining.Content.ReadAsStringAsync());
        var stored = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MentorRequest>().AsNoTracking().SingleAsync(r => r.Id == request.Id));
        Assert.Equal((MentorRequestStatus.TimedOut, (string?)null), (stored.Status, stored.DecisionNote));
        Assert.Equal(noticesBefore, await NoticesAsync(mentee.User.Id));
    }

    private Task<int> NoticesAsync(Guid userId) =>
        factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().CountAsync(n => n.UserId == userId));
}
