using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Applications;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

/// <summary>Issue 10 items 3 and 5 in a browser: a student hears about a decision on a phone; a coordinator closes and reopens a program.</summary>
[RunsLong(30)]
public sealed class DecisionJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    private const string Message = "Welcome to Study Buddies! Your first group meets on Tuesday in the library.";

    [Fact]
    public async Task AStudentOnAPhoneSeesTheDecisionWithTheCoordinatorsMessageAndACoordinatorClosesAndReopensAProgram()
    {
        var studyBuddies = await WithDbAsync(db => db.Programs.Where(p => p.Name == "Study Buddies (peer-to-peer)").Select(p => p.Id).SingleAsync());

        await AsAsync("Mentee", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync($"/apply/{studyBuddies}/peer");
            await page.GetByLabel("I accept the program's guidelines and code of conduct").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Submit application" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("your application is submitted");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Withdraw your application to Study Buddies (peer-to-peer)" })).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
        });
        var applicationId = await WithDbAsync(db => db.Set<Application>().Where(a => a.ProgramId == studyBuddies).Select(a => a.Id).SingleAsync());

        await AsAsync("Coordinator", async page =>
        {
            await page.GotoAsync($"/programs/{studyBuddies}/applications/{applicationId}");
            await page.GetByLabel("Message to the applicant (optional)").FillAsync(Message);
            await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("The application is approved.");
            await Expect(page.Locator(".told")).ToContainTextAsync("Told on");
            await Expect(page.Locator(".told")).ToContainTextAsync("in the app");
            await Axe.AssertNoViolationsAsync(page);
            await page.GotoAsync($"/programs/{studyBuddies}/applications");
            await Expect(page.Locator(".told").First).ToContainTextAsync("Told on");
            await Axe.AssertNoViolationsAsync(page);
        });

        await AsAsync("Mentee", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/my/applications");
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Study Buddies" });
            await Expect(row).ToContainTextAsync("Approved");
            await Expect(row).ToContainTextAsync(Message);
            await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Withdraw your application to Study Buddies (peer-to-peer)" })).ToHaveCountAsync(0);
            await Axe.AssertNoViolationsAsync(page);
            await AssertFitsAsync(page);
            await TandemServer.ScreenshotAsync(page, "decision-phone", output);

            await page.GotoAsync("/notifications");
            await Expect(page.GetByText("Your application to Study Buddies (peer-to-peer) is approved").First).ToBeVisibleAsync();
            await Expect(page.GetByText(Message, new() { Exact = false }).First).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            await AssertFitsAsync(page);
        });

        await AsAsync("Coordinator", async page =>
        {
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Closed" }).ClickAsync();
            var confirm = page.Locator("#confirm-close");
            await Expect(confirm).ToContainTextAsync("Closing the program stops:");
            await Expect(confirm).ToContainTextAsync("new surveys");
            await Expect(confirm).ToContainTextAsync("within 30 days");
            await Axe.AssertNoViolationsAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, close the program" }).ClickAsync();
            await Expect(page.Locator(".notice[role=status]")).ToContainTextAsync("The program is now Closed.");
            await Expect(page.GetByText("You can reopen it until")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Running" }).ClickAsync();
            await Expect(page.Locator(".notice[role=status]")).ToContainTextAsync("The program is now Running.");
            await Axe.AssertNoViolationsAsync(page);
            await TandemServer.ScreenshotAsync(page, "program-reopened", output);
        });
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page is {width}px wide on a 390px phone screen: it scrolls sideways.");
    }

    private async Task<T> WithDbAsync<T>(Func<TandemDb, Task<T>> query)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TandemDb>());
    }

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
            await server.ReportFailureAsync(page, $"decision-{role}", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
