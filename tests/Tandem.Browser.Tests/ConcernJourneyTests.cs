using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Concerns;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

[RunsLong(25)]
public sealed class ConcernJourneyTests(ClockedTandemServer server, ITestOutputHelper output) : IClassFixture<ClockedTandemServer>
{
    private const string WhatHappened = "My mentor has missed our last two meetings without telling me.";

    [Fact]
    public async Task AMenteeReportsAConcernOnAPhoneByKeyboardAndTheCoordinatorAcknowledgesAndResolvesIt()
    {
        await StartDemoPairAsync();

        await AsAsync("Mentee", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/my/relationships");
            await Axe.AssertNoViolationsAsync(page);
            await page.GetByRole(AriaRole.Link, new() { Name = "Report a concern" }).First.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync("**/concerns");
            await Axe.AssertNoViolationsAsync(page);

            var kind = page.GetByLabel("What kind of concern?");
            await kind.FocusAsync();
            await kind.SelectOptionAsync("NoShow");
            await page.Keyboard.PressAsync("Tab");
            var about = page.GetByLabel("Who is it about? (optional)");
            await Expect(about).ToBeFocusedAsync();
            await about.SelectOptionAsync(new SelectOptionValue { Label = "Morgan Mentor (First-Year Peer Mentoring)" });
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByLabel("What happened?")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(WhatHappened);
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send the report" })).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.Locator(".notice")).ToContainTextAsync("Your concern was sent");
            var mine = page.GetByRole(AriaRole.List, new() { Name = "My concerns" });
            await Expect(mine).ToContainTextAsync("No-show · First-Year Peer Mentoring");
            await Expect(mine.Locator(".status")).ToHaveTextAsync("Received");
            await Axe.AssertNoViolationsAsync(page);
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"The page is {width}px wide on a 390px phone screen: it scrolls sideways.");
            await TandemServer.ScreenshotAsync(page, "concern-reported-phone", output);
        });

        var concern = await WithDbAsync(db => db.Set<Concern>().SingleAsync(c => c.ProgramId == server.Demo.ProgramId));
        Assert.Equal((ConcernCategory.NoShow, WhatHappened), (concern.Category, concern.Description));

        await AsAsync("Coordinator", async page =>
        {
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}");
            await page.GetByRole(AriaRole.Link, new() { Name = "Concerns", Exact = true }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Jamie Mentee" });
            await Expect(row).ToContainTextAsync("Morgan Mentor");
            await Expect(row).ToContainTextAsync("Received");
            await Axe.AssertNoViolationsAsync(page);
            await row.GetByRole(AriaRole.Link, new() { Name = "No-show" }).ClickAsync();
            await Expect(page.GetByText(WhatHappened)).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);

            await page.GetByLabel("Note (optional, for the handlers)").FillAsync("Called the mentor: family illness.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("Acknowledged.");
            await Expect(page.Locator("#concern-state")).ToHaveTextAsync("Acknowledged");

            await page.GetByLabel("How it was resolved").FillAsync("They agreed a new regular time; the mentor will text if late.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("The concern is resolved.");
            await Expect(page.Locator("#concern-state")).ToHaveTextAsync("Resolved");
            await Expect(page.Locator(".timeline")).ToContainTextAsync("They agreed a new regular time");
            await Axe.AssertNoViolationsAsync(page);
            await TandemServer.ScreenshotAsync(page, "concern-resolved", output);
        });

        await AsAsync("Mentee", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/concerns");
            var mine = page.GetByRole(AriaRole.List, new() { Name = "My concerns" });
            await Expect(mine.Locator(".status")).ToHaveTextAsync("Resolved");
            await Expect(mine).ToContainTextAsync("Acknowledged");
            await Expect(page.GetByText("family illness")).ToHaveCountAsync(0);
            await Expect(page.GetByText("They agreed a new regular time")).ToHaveCountAsync(0);
            await Axe.AssertNoViolationsAsync(page);
        });

        // The person it is about finds nothing.
        await AsAsync("Mentor", async page =>
        {
            await page.GotoAsync("/concerns");
            await Expect(page.GetByText("You have not reported a concern.")).ToBeVisibleAsync();
            await Expect(page.GetByText(WhatHappened)).ToHaveCountAsync(0);
        });
    }

    private async Task StartDemoPairAsync()
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
            await server.ReportFailureAsync(page, $"concern-{role}", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
