using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Events;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Events;

/// <summary>
/// ADR 128 item 1: retention anonymises a program once and deletes its notices then, so its events not yet started are
/// cancelled by that pass (nobody told), the reminder job sends nothing for them afterwards, and neither a cancellation
/// nor attendance is taken after it.
/// </summary>
public sealed class EventsAfterRetentionTests(PairFixture shared) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private const string Retained = "This program's data has been anonymised after it closed, so it takes no new events or answers to them.";
    private PairFixture fixture = default!;

    public async Task InitializeAsync() => fixture = await shared.WithOwnClockAsync();

    public Task DisposeAsync() => fixture.DisposeAsync();

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private async Task<EventView> CreateAsync(Pair pair, TimeSpan startsIn, string title)
    {
        var starts = Now + startsIn;
        var response = await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/events", new
        {
            kind = "Social", title, startsAt = starts, endsAt = starts.AddHours(2), timeZoneId = "Europe/London", place = "Hall B", audience = "Everyone",
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<EventView>(Json.Options))!;
    }

    [Fact]
    public async Task AnAnonymisedProgramsEventNextMonthIsNeitherRemindedNorCancelledAndItsAttendanceIsNotTaken()
    {
        var pair = await fixture.PairAsync();
        var today = await CreateAsync(pair, TimeSpan.FromHours(2), "Book swap");
        var nextMonth = await CreateAsync(pair, TimeSpan.FromDays(30), "Summer picnic");
        var mentee = await fixture.SignInAsync(pair.Mentee);
        foreach (var id in new[] { today.Id, nextMonth.Id })
        {
            Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/events/{id}/rsvp", new { going = true })).StatusCode);
        }
        fixture.Clock.Advance(TimeSpan.FromHours(3));

        // Closed long ago, so this pass anonymises it.
        await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == pair.ProgramId)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, ProgramStatus.Closed).SetProperty(p => p.ClosedAt, Now.AddYears(-3))));
        var pass = await fixture.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());
        Assert.Contains(pass.Programs, p => p.ProgramId == pair.ProgramId);

        // The day before the picnic, the reminder job has nothing to send about it.
        fixture.Clock.Advance(nextMonth.StartsAt - Now - TimeSpan.FromHours(12));
        await fixture.WithScopeAsync(s => s.GetRequiredService<SendEventReminders>().RunAsync());

        var notices = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking()
            .Where(n => n.UserId == pair.Mentee.Id && n.Kind == NotificationKind.Events).Select(n => n.Title).ToListAsync());
        Assert.Empty(notices);
        Assert.DoesNotContain(await fixture.OutboxForAsync(pair.Mentee.Email), e => e.Subject.Contains("Summer picnic"));

        // The coordinator (signed in again: a month has passed) cannot cancel it (its notices would be kept past retention),
        // nor take the book swap's attendance.
        var coordinator = await fixture.SignInAsync(pair.School.Coordinator);
        var cancel = await coordinator.PostAsync($"/api/v1/events/{nextMonth.Id}/cancel", Json.Empty());
        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Contains(Retained, await cancel.Content.ReadAsStringAsync());
        var attendance = await coordinator.PutAsJsonAsync($"/api/v1/events/{today.Id}/attendance",
            new { entries = new[] { new { userId = pair.Mentee.Id, attended = true } } });
        Assert.Equal(HttpStatusCode.Conflict, attendance.StatusCode);
        Assert.Contains(Retained, await attendance.Content.ReadAsStringAsync());

        // Retention cancelled the picnic (its .ics says so), not the book swap that had already started.
        var stored = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ProgramEvent>().AsNoTracking()
            .Where(e => e.ProgramId == pair.ProgramId).ToDictionaryAsync(e => e.Id));
        Assert.NotNull(stored[nextMonth.Id].CancelledAt);
        Assert.Null(stored[today.Id].CancelledAt);
        Assert.Null(stored[today.Id].AttendanceTakenAt);
    }
}
