using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

[RunsLong(45)]
public sealed class MeetingJourneyTests(ClockedTandemServer server, ITestOutputHelper output) : IClassFixture<ClockedTandemServer>
{
    [Fact]
    public async Task AMenteeProposesASuggestedTimeTheMentorAcceptsBothCheckInAndTheCoordinatorSeesThePairOnTrack()
    {
        // Given: the demo's mentor and mentee (both free Monday to Thursday evenings) are a pair.
        var relationshipId = await StartDemoPairAsync();
        var meetings = $"/relationships/{relationshipId}/meetings";
        var checkIns = $"/relationships/{relationshipId}/check-ins";

        await AsAsync("Mentee", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/my/relationships");
            await page.GetByRole(AriaRole.Link, new() { Name = "Meetings", Exact = true }).First.ClickAsync();
            await TandemServer.AtAsync(page, meetings);
            await Expect(page.GetByText("No meetings yet")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            var suggested = page.GetByRole(AriaRole.Group, new() { Name = "Suggested times (when you are all free)" }).GetByRole(AriaRole.Radio);
            await Expect(suggested.First).ToBeVisibleAsync();
            // Both live in London: each suggestion is one evening hour on their shared clock.
            var label = await page.Locator($"label[for='{await suggested.First.GetAttributeAsync("id")}']").InnerTextAsync();
            Assert.Matches(@"^\w{3} \d{1,2} \w{3} 1[789]:00 \(Europe/London, for everyone\)$", label);
            await suggested.First.CheckAsync();
            await page.GetByLabel("How", new() { Exact = true }).SelectOptionAsync("Online");
            await page.GetByRole(AriaRole.Button, new() { Name = "Propose" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Meeting proposed.");
            var row = page.Locator("tbody tr").Filter(new() { HasText = "Proposed" });
            await Expect(row).ToContainTextAsync("Jamie Mentee");
            await Expect(row.GetByRole(AriaRole.Link, new() { Name = "Video link" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^https://meet\\.jit\\.si/Tandem-"));
            // The proposer cannot answer their own proposal.
            await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToHaveCountAsync(0);
            await Axe.AssertNoViolationsAsync(page);
        });

        await AsAsync("Mentor", async page =>
        {
            await page.GotoAsync(meetings);
            var row = page.Locator("tbody tr").Filter(new() { HasText = "Proposed" });
            await row.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Meeting accepted.");
            await Expect(page.Locator("tbody tr")).ToContainTextAsync("Accepted");
            await Axe.AssertNoViolationsAsync(page);
            await TandemServer.ScreenshotAsync(page, "meetings-accepted", output);
        });

        // The meeting takes place: the clock moves to an hour after it ended.
        var meeting = await WithDbAsync(db => db.Set<Meeting>().SingleAsync(m => m.RelationshipId == relationshipId));
        Assert.Equal(MeetingStatus.Accepted, meeting.Status);
        server.Clock.SetUtcNow(new DateTimeOffset(meeting.EndsAt, TimeSpan.Zero).AddHours(1));

        foreach (var (role, topics) in new[] { ("Mentee", "Settling into halls, first essay"), ("Mentor", "Essay planning; joining a society") })
        {
            await AsAsync(role, async page =>
            {
                await page.SetViewportSizeAsync(390, 844);
                await page.GotoAsync(checkIns);
                await Expect(page.GetByLabel("Meeting")).ToContainTextAsync("(Europe/London)");
                await Axe.AssertNoViolationsAsync(page);
                await page.GetByLabel("Topics").FillAsync(topics);
                await page.GetByLabel("Next steps").FillAsync("Meet again in two weeks");
                await page.GetByLabel("How did it go?").SelectOptionAsync("5");
                await page.GetByRole(AriaRole.Button, new() { Name = "Save check-in" }).ClickAsync();
                await Expect(page.Locator(".notice")).ToContainTextAsync("Check-in saved.");
                await Expect(page.Locator(".check-ins")).ToContainTextAsync(topics);
                await Axe.AssertNoViolationsAsync(page);
            });
        }

        await AsAsync("Coordinator", async page =>
        {
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}/health");
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Jamie Mentee" });
            await Expect(row).ToContainTextAsync("Morgan Mentor (mentor)");
            await Expect(row.Locator(".status")).ToHaveTextAsync("On track");
            await Expect(row).ToContainTextAsync("1 meeting held, the first cadence period is still running; last contact today.");
            await Expect(row.Locator("td[data-label='Meetings held']")).ToHaveTextAsync("1 (none due yet)");
            await Expect(row.Locator("td[data-label='Check-ins']")).ToHaveTextAsync("2");
            await Axe.AssertNoViolationsAsync(page);
            await TandemServer.ScreenshotAsync(page, "engagement-health", output);
            // The coordinator reads the pair's check-ins too.
            await row.GetByRole(AriaRole.Link, new() { Name = "Check-ins" }).ClickAsync();
            await Expect(page.Locator(".check-ins")).ToContainTextAsync("Essay planning; joining a society");
            await Expect(page.Locator(".check-ins")).ToContainTextAsync("Settling into halls, first essay");
        });
    }

    private async Task<Guid> StartDemoPairAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var people = await db.Enrolments.Where(e => e.ProgramId == server.Demo.ProgramId)
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { e.Id, u.Email })
            .ToListAsync();
        var coordinator = await db.Users.SingleAsync(u => u.Email == server.Demo.For("Coordinator").Email);
        var started = await scope.ServiceProvider.GetRequiredService<StartRelationship>().RunAsync(new Actor(coordinator.Id, false), new StartRelationshipRequest(
            server.Demo.ProgramId,
            [people.Single(p => p.Email == server.Demo.For("Mentor").Email).Id, people.Single(p => p.Email == server.Demo.For("Mentee").Email).Id],
            RelationshipKind.Pair,
            DateOnly.FromDateTime(server.Clock.GetUtcNow().UtcDateTime),
            RelationshipSource.Manual,
            null,
            null));
        Assert.Null(started.Failure);
        return started.Value!.Id;
    }

    private async Task<T> WithDbAsync<T>(Func<TandemDb, Task<T>> query)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TandemDb>());
    }

    /// <summary>Signs in as a demo login in a fresh browser context, runs the steps, and keeps a screenshot if they fail.</summary>
    private async Task AsAsync(string role, Func<IPage, Task> steps)
    {
        var page = await server.NewPageAsync();
        try
        {
            await server.SignInAsync(page, role);
            await steps(page);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, $"meeting-{role}", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
