using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>Issue 11: the program page shows an objective measured against its target with a chart; the dashboard draws its charts.</summary>
public sealed class ObjectiveProgressTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task TheProgramPageShowsAnObjectiveMeasuredAgainstItsTargetWithAChart()
    {
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(page, "Coordinator");
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}");

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Objectives measured" })).ToBeVisibleAsync();
            var objective = page.Locator(".objective-progress").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Pairs meet regularly" }) });
            await Expect(objective).ToContainTextAsync("Pairs meeting at the cadence:");
            await Expect(objective).ToContainTextAsync("against a target of at least 80%");
            await Expect(objective.Locator(".met, .unmet")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(Target met|Below target)\\.$"));

            // The chart is an image that really drew (the browser decoded it), and its figures are in a table.
            var chart = objective.Locator("figure.chart img");
            await Expect(chart).ToBeVisibleAsync();
            Assert.True(await chart.EvaluateAsync<int>("img => img.naturalWidth") > 0, "The chart image did not load.");
            var figures = objective.GetByRole(AriaRole.Table, new() { Name = "the figures of the chart", Exact = false });
            await Expect(figures.GetByRole(AriaRole.Columnheader, new() { Name = "Target" })).ToBeAttachedAsync();
            Assert.True(await figures.GetByRole(AriaRole.Row).CountAsync() >= 2);

            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"The program page is {width}px wide on a 390px phone screen: it scrolls sideways.");
            await TandemServer.ScreenshotAsync(page, "objective-progress-phone", output);
            await Axe.AssertNoViolationsAsync(page);

            await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
            var images = page.Locator("figure.chart img");
            Assert.True(await images.CountAsync() >= 4);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Program report (PDF)" })).ToBeVisibleAsync();
            width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            var wide = width <= 390 ? "" : await page.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(-5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ')");
            Assert.True(width <= 390, $"The dashboard is {width}px wide on a 390px phone screen: it scrolls sideways ({wide}).");
            await TandemServer.ScreenshotAsync(page, "dashboard-phone", output);
            await Axe.AssertNoViolationsAsync(page);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "objective-progress", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
