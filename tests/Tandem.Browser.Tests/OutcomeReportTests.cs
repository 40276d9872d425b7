using System.Text;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

public sealed class OutcomeReportTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    // Five people in each group: a group under five shows only its size (ADR 100). The fifth of each has its group's mean
    // change, so the difference stays 6.125 − 1.25 = 4.875.
    private const string File = """
        person,group,measure,pre,post
        S-101,program,maths,52,61.5
        S-102,program,maths,48,55
        S-103,program,maths,61,66
        S-104,program,maths,55,58
        S-105,program,maths,50,56.125
        N-201,comparison,maths,55,57
        N-202,comparison,maths,50,49
        N-203,comparison,maths,58,61
        N-204,comparison,maths,47,48
        N-205,comparison,maths,52,53.25
        """;

    [Fact]
    public async Task ACoordinatorImportsOutcomeDataOnAPhoneAndReadsTheReport()
    {
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(page, "Coordinator");
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}/outcomes");
            await Expect(page.GetByText("No outcome data imported yet.")).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);

            await page.GetByLabel("Outcome file (.csv)").SetInputFilesAsync(new FilePayload
            {
                Name = "outcomes.csv",
                MimeType = "text/csv",
                Buffer = Encoding.UTF8.GetBytes(File),
            });
            await page.GetByRole(AriaRole.Button, new() { Name = "Import and replace" }).ClickAsync();

            await Expect(page.Locator(".notice")).ToContainTextAsync("Imported 10 lines (10 people, 1 measure)");
            var groups = page.GetByRole(AriaRole.Table, new() { Name = "maths: change (post − pre) in each group" });
            await Expect(groups.GetByRole(AriaRole.Rowheader, new() { Name = "Program" })).ToBeVisibleAsync();
            var comparison = page.GetByRole(AriaRole.Table, new() { Name = "maths: the program group compared with the comparison group" });
            await Expect(comparison.GetByRole(AriaRole.Row).Filter(new() { HasText = "Difference of mean changes" })).ToContainTextAsync("4.88");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What this shows, and what it does not" })).ToBeVisibleAsync();
            await Expect(page.GetByText("People were not assigned to the program at random", new() { Exact = false })).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"The report is {width}px wide on a 390px phone screen: it scrolls sideways.");
            await TandemServer.ScreenshotAsync(page, "outcome-report-phone", output);

            await page.GetByLabel("Outcome file (.csv)").SetInputFilesAsync(new FilePayload
            {
                Name = "broken.csv",
                MimeType = "text/csv",
                Buffer = Encoding.UTF8.GetBytes("person,group,measure,pre,post\nS-101,program,maths,52,sixty\n"),
            });
            await page.GetByRole(AriaRole.Button, new() { Name = "Import and replace" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The problem is on line 2, post");
            await Expect(comparison).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(page);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "outcome-report", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
