using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

public sealed class StaffPageTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public Task OnATabletTheCoordinatorOpensTheStaffPageFromTheProgramAndRemovingAsksFirst() => InBrowserAsync(async page =>
    {
        await page.SetViewportSizeAsync(820, 1180);
        await server.SignInAsync(page, "Coordinator");
        await page.GotoAsync($"/programs/{server.Demo.ProgramId}");

        await page.GetByRole(AriaRole.Link, new() { Name = "Staff and coordinators" }).ClickAsync();
        await TandemServer.AtAsync(page, $"/programs/{server.Demo.ProgramId}/staff");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Staff and coordinators", Level = 1 })).ToBeVisibleAsync();
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Staff and coordinators of the program" });
        var sam = table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Dr Sam Okafor" });
        await Expect(sam).ToContainTextAsync("Staff");
        await Expect(sam.GetByRole(AriaRole.Button, new() { Name = "Make coordinator: Dr Sam Okafor" })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 820, $"The staff page is {width}px wide on an 820px tablet: it scrolls sideways.");
        await TandemServer.ScreenshotAsync(page, "program-staff-820", output);

        // Remove asks first; keeping them changes nothing.
        await sam.GetByRole(AriaRole.Button, new() { Name = "Remove Dr Sam Okafor" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Take Dr Sam Okafor off the program?" });
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(confirm.GetByRole(AriaRole.Button, new() { Name = "Yes, remove Dr Sam Okafor" })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
        await confirm.GetByRole(AriaRole.Link, new() { Name = "Keep them" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Dr Sam Okafor" })).ToHaveCountAsync(1);
    });

    /// <summary>Runs a test in its own browser context; when it fails, keeps a screenshot and shows the server's errors.</summary>
    private Task InBrowserAsync(Func<IPage, Task> test) => server.InPageAsync("staff-page", output, test);
}
