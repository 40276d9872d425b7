using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Privacy;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Recruitment;

/// <summary>
/// ADR 128 item 2: an information session's sign-ups are its event's answers, and a staff read of a minor's among them
/// (name, e-mail, when) is logged as the event's attendance list is (ADR 97), through the API and on the session's page.
/// </summary>
public sealed class SessionSignUpsAuditedTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    private Task<List<AuditEntry>> EntriesAboutAsync(Guid subject) => fixture.Tandem.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<AuditEntry>().AsNoTracking().Where(e => e.SubjectUserId == subject).OrderBy(e => e.Sequence).ToListAsync());

    [Fact]
    public async Task ACoordinatorReadingASessionsSignUpsWritesOneEntryForTheMinorAmongThem()
    {
        var (school, coordinator, program) = await fixture.ProgramAsync();
        var starts = fixture.Clock.GetUtcNow().AddDays(4);
        var created = await coordinator.PostAsJsonAsync($"/api/v1/programs/{program.Id}/events", new
        {
            kind = "InformationSession", title = "Taster", startsAt = starts, endsAt = starts.AddHours(1), timeZoneId = "Europe/London", place = "Hall", audience = "Everyone",
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var sessionId = (await created.Content.ReadFromJsonAsync<EventView>(Json.Options))!.Id;
        var minor = await fixture.Tandem.CreateUserAsync("Young Taster");
        var minorClient = await fixture.SignInAsync(minor);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, minorClient);
        var adult = await fixture.Tandem.CreateUserAsync("Grown Taster");
        foreach (var client in new[] { minorClient, await fixture.SignInAsync(adult) })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/v1/information-sessions/{sessionId}/sign-up", Json.Empty())).StatusCode);
        }
        Assert.Empty(await EntriesAboutAsync(minor.Id));

        var read = await coordinator.GetAsync($"/api/v1/information-sessions/{sessionId}/sign-ups");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains(minor.Email, await read.Content.ReadAsStringAsync());
        var entry = Assert.Single(await EntriesAboutAsync(minor.Id));
        Assert.Equal((school.Coordinator.Id, AuditRecord.EventAttendance, (Guid?)sessionId, (Guid?)program.Id, GetEventAttendance.ReadingPurpose),
            (entry.ActorUserId, entry.Record, entry.RecordId, entry.ProgramId, entry.Purpose));
        Assert.Empty(await EntriesAboutAsync(adult.Id));

        // The session's page shows the same list: one more entry.
        var page = await coordinator.GetAsync($"/information-sessions/{sessionId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Young Taster", await page.Content.ReadAsStringAsync());
        Assert.Equal(2, (await EntriesAboutAsync(minor.Id)).Count);
    }
}
