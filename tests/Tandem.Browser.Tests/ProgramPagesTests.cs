using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Features.Demo;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

[RunsLong(30)]
public sealed partial class ProgramPagesTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public Task DemoCoordinatorCreatesAProgramAndSeesItInTheList() => InBrowserAsync(async page =>
    {
        var name = $"Chess Club Mentoring {Guid.NewGuid().ToString("N")[..6]}";
        await SignInAsync(page, "Coordinator");

        await page.GetByRole(AriaRole.Link, new() { Name = "New program" }).ClickAsync();
        await TandemServer.AtAsync(page, "/programs/new");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New program", Level = 1 })).ToBeVisibleAsync();

        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Description").FillAsync("Experienced players coach beginners through their first tournament.");
        await page.GetByLabel("Target audience").FillAsync("Beginners (mentees) and club players rated 1600+ (mentors)");
        await page.GetByLabel("Objective 1").FillAsync("Beginners play a rated game");
        await page.GetByLabel("Target 1").FillAsync("75% of mentees finish a rated game by the end");
        await page.GetByLabel("Mentors and mentees").CheckAsync();
        await page.GetByLabel("Online").CheckAsync();
        await page.GetByLabel("Cadence").SelectOptionAsync("Weekly");
        await page.GetByLabel("Starts on").FillAsync("2027-01-10");
        await page.GetByLabel("Ends on").FillAsync("2027-06-30");
        await page.GetByLabel("Guidelines and code of conduct").FillAsync("Be patient with beginners; explain, don't lecture.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create program" }).ClickAsync();

        // The address is enough: the heading check below waits for the page itself (waiting for the load event
        // as well timed out once with two browser suites side by side on a busy machine, the page already there).
        await TandemServer.AtAsync(page, ProgramHome());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Expect(page.GetByText("Weekly meetings")).ToBeVisibleAsync();
        // The objective row's empty fields (measure, threshold, survey id…) travel with it and it is kept (ADR 81).
        await Expect(page.GetByText("Beginners play a rated game")).ToBeVisibleAsync();
        await Expect(page.GetByText("75% of mentees finish a rated game by the end")).ToBeVisibleAsync();

        await page.GotoAsync("/programs");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Programs you can see" });
        var row = table.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(SeedDemo.OrganisationName);
        await Expect(row).ToContainTextAsync("Draft");

        var screenshot = await ScreenshotAsync(page, "program-list");
        Assert.True(new FileInfo(screenshot).Length > 0, $"The screenshot {screenshot} is empty.");
    });

    [Fact]
    public Task MenteeOpeningTheEditorSeesThatOnlyCoordinatorsCanChangeTheProgram() => InBrowserAsync(async page =>
    {
        await SignInAsync(page, "Mentee");

        var response = await page.GotoAsync($"/programs/{server.Demo.ProgramId}/edit");

        Assert.Equal(403, response!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("only its coordinators can change it");
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save changes" })).ToHaveCountAsync(0);
        await Axe.AssertNoViolationsAsync(page);
    });

    [Fact]
    public Task OnAPhoneTheMenuFoldsAndTheProgramListFitsTheScreen() => InBrowserAsync(async page =>
    {
        await page.SetViewportSizeAsync(390, 844);
        await SignInAsync(page, "Coordinator");

        var organisations = page.GetByRole(AriaRole.Link, new() { Name = "Organisations" });
        await Expect(organisations).ToBeHiddenAsync();
        await page.GetByText("Menu", new() { Exact = true }).ClickAsync();
        await Expect(organisations).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "First-Year Peer Mentoring" })).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);

        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page is {width}px wide on a 390px phone screen: it scrolls sideways.");
        await ScreenshotAsync(page, "program-list-phone");
    });

    [Theory]
    [InlineData(390)]
    [InlineData(820)]
    public Task TheCoordinatorsHomeSaysWhatNeedsAttentionAndEachCountOpensThePageThatFixesIt(int width) => InBrowserAsync(async page =>
    {
        await page.SetViewportSizeAsync(width, 1000);
        await SignInAsync(page, "Coordinator");
        await page.GotoAsync("/");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Programs you run" })).ToBeVisibleAsync();
        var program = page.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "First-Year Peer Mentoring" }) });
        await Expect(program.GetByText("Next:")).ToBeVisibleAsync();
        await Axe.AssertNoViolationsAsync(page);
        var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= width, $"The home page is {scrollWidth}px wide on a {width}px screen: it scrolls sideways.");
        await ScreenshotAsync(page, $"coordinator-home-{width}");

        // Each count links into the program's own pages; the next step of a running program opens its engagement page.
        foreach (var href in await program.Locator(".attention a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"))
        {
            Assert.StartsWith($"/programs/{server.Demo.ProgramId}/", href);
        }
        await program.GetByRole(AriaRole.Link, new() { Name = "Keep pairs meeting" }).ClickAsync();
        await TandemServer.AtAsync(page, $"/programs/{server.Demo.ProgramId}/health");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
    });

    private async Task SignInAsync(IPage page, string role)
    {
        await server.SignInAsync(page, role);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Programs", Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>Runs a test in its own browser context; when it fails, keeps a screenshot and shows the server's errors.</summary>
    private Task InBrowserAsync(Func<IPage, Task> test) => server.InPageAsync("program-pages", output, test);

    private Task<string> ScreenshotAsync(IPage page, string name) => TandemServer.ScreenshotAsync(page, name, output);

    [GeneratedRegex(@"/programs/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex ProgramHome();
}
