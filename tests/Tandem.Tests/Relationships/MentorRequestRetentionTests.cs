using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Organisations;
using Tandem.Features.Relationships;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Relationships;

/// <summary>
/// ADR 126: retention times out a program's pending mentor requests, nobody told, and a decision on one after retention is
/// refused, so no decline's note is written after the program's words were anonymised.
/// </summary>
public sealed class MentorRequestRetentionTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task APendingRequestTimesOutWithRetentionAndADeclineAfterItIsRefusedAndStoresNothing()
    {
        var app = await fixture.WithOwnClockAsync();
        try
        {
            await APendingRequestTimesOutWithRetentionAndADeclineAfterItIsRefusedAndStoresNothingAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task APendingRequestTimesOutWithRetentionAndADeclineAfterItIsRefusedAndStoresNothingAsync(PairFixture app)
    {
        var pair = await app.PairAsync();
        var coordinator = await app.SignInAsync(pair.School.Coordinator);
        // Requests wait 60 days; the school keeps a closed program's data for a month: a request asked just before the close
        // is still pending when retention runs.
        (await coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/relationship-settings",
            new { selfMatchEnabled = true, requestTimeoutDays = 60, fitCheckAfterDays = 14 })).EnsureSuccessStatusCode();
        var mentor = await app.Tandem.CreateUserAsync("Rita Second");
        await app.Tandem.AddMemberAsync(pair.School.Organisation.Id, mentor, OrganisationRole.Member);
        var mentorEnrolment = await PairFixture.EnrolAsync(coordinator, pair.ProgramId, mentor, "Mentor");
        var asked = await (await app.SignInAsync(pair.OtherMentee)).PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/self-match/requests",
            new { mentorEnrolmentId = mentorEnrolment, message = "Could you help me with fractions?" });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = (await asked.Content.ReadFromJsonAsync<MentorRequestView>(Json.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/retention",
            new { closedProgramMonths = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" })).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(32));
        var pass = await app.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());
        Assert.Single(pass.Programs, p => p.ProgramId == pair.ProgramId);
        var noticesBefore = await NoticesAsync(app, pair.OtherMentee.Id);

        var declining = await (await app.SignInAsync(mentor)).PostAsJsonAsync($"/api/v1/mentor-requests/{request.Id}/decision",
            new { accept = false, note = "Sorry, I am full this term." });

        Assert.Equal(HttpStatusCode.Conflict, declining.StatusCode);
        Assert.Contains("anonymised", await declining.Content.ReadAsStringAsync());
        var stored = await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MentorRequest>().AsNoTracking().SingleAsync(r => r.Id == request.Id));
        Assert.Equal((MentorRequestStatus.TimedOut, (string?)null), (stored.Status, stored.DecisionNote));
        Assert.Equal(noticesBefore, await NoticesAsync(app, pair.OtherMentee.Id));
    }

    private static Task<int> NoticesAsync(PairFixture app, Guid userId) =>
        app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().CountAsync(n => n.UserId == userId));
}
