using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Features.Matching;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>
/// A run that takes a while (issue 14, item 1): the page shows its step, and when another node finishes it the page
/// opens the draft by itself (wwwroot/matching-run.js), without the coordinator reloading.
/// </summary>
public sealed class MatchingProgressTests(QueuedMatchingServer server, ITestOutputHelper output) : IClassFixture<QueuedMatchingServer>
{
    [Fact]
    public async Task ThePageShowsTheRunsStepAndOpensTheDraftWhenAnotherNodeFinishesIt()
    {
        await server.InPageAsync("matching-progress", output, async page =>
        {
            await server.SignInAsync(page, "Coordinator");
            await page.GotoAsync($"/programs/{server.Demo.ProgramId}/matching");
            await page.GetByRole(AriaRole.Button, new() { Name = "Run matching" }).ClickAsync();

            var progress = page.Locator("#matching-run");
            await Expect(progress.GetByRole(AriaRole.Heading, new() { Name = "Matching is running" })).ToBeVisibleAsync();
            await Expect(progress.GetByRole(AriaRole.Status)).ToHaveTextAsync("Waiting for a server to start it.");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Run matching" })).ToHaveCountAsync(0);
            await Axe.AssertNoViolationsAsync(page);

            // Another node works the run; the page notices by itself.
            var worker = server.Services.GetServices<IHostedService>().OfType<MatchingRunWorker>().Single();
            Assert.True(await worker.WorkOneAsync(default));

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Draft 1" })).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Expect(progress).ToHaveCountAsync(0);
            await Expect(page.Locator("#proof")).ToContainTextAsync("Proven optimal");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Re-run matching" })).ToBeVisibleAsync();
            server.AssertNoContentSecurityViolations();
        });
    }
}
