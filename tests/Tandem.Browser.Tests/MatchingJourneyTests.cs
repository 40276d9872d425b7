using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

public sealed partial class MatchingJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task ACoordinatorRunsMatchingLocksAPairRerunsAndPublishesAndTheMenteeSeesTheirMentorAndWhy()
    {
        var coordinator = await server.NewPageAsync();
        string mentor;
        try
        {
            await server.SignInAsync(coordinator, "Coordinator");
            await coordinator.GotoAsync($"/programs/{server.Demo.ProgramId}/matching");
            await coordinator.GetByRole(AriaRole.Button, new() { Name = "Run matching" }).ClickAsync();
            await Expect(coordinator.Locator(".notice")).ToContainTextAsync("Draft 1 is ready");
            await Axe.AssertNoViolationsAsync(coordinator);

            var lockJamie = coordinator.GetByRole(AriaRole.Button, new() { NameRegex = LockJamie() });
            var label = await lockJamie.GetAttributeAsync("aria-label");
            mentor = Regex.Match(label!, "^Lock (.+) with Jamie Mentee$").Groups[1].Value;
            await lockJamie.ClickAsync();
            await Expect(coordinator.Locator(".notice")).ToContainTextAsync($"{mentor} and Jamie Mentee are locked together");

            await coordinator.GetByRole(AriaRole.Button, new() { Name = "Re-run matching" }).ClickAsync();
            await Expect(coordinator.Locator(".notice")).ToContainTextAsync("Draft 2 is ready");
            await Expect(coordinator.GetByText("Compared with draft 1")).ToBeVisibleAsync();
            var row = coordinator.GetByRole(AriaRole.Row).Filter(new() { HasText = "Jamie Mentee" });
            await Expect(row).ToContainTextAsync(mentor);
            await Expect(row).ToContainTextAsync("Locked");

            await coordinator.GetByLabel("Start date").FillAsync("2027-03-01");
            await coordinator.GetByRole(AriaRole.Button, new() { Name = "Publish draft 2" }).ClickAsync();
            await Expect(coordinator.Locator(".notice")).ToContainTextAsync("Published");
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(coordinator, "matching-coordinator", output);
            throw;
        }
        finally
        {
            await coordinator.Context.CloseAsync();
        }

        var mentee = await server.NewPageAsync();
        try
        {
            await mentee.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(mentee, "Mentee");
            await mentee.GotoAsync("/notifications");
            await Expect(mentee.GetByText("Your mentor in First-Year Peer Mentoring").First).ToBeVisibleAsync();
            await Expect(mentee.GetByText($"you are matched with {mentor}").First).ToBeVisibleAsync();
            await Expect(mentee.GetByText("Why you were matched").First).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(mentee);
            await mentee.GotoAsync("/my/relationships");
            await Expect(mentee.GetByText(mentor).First).ToBeVisibleAsync();
            await Expect(mentee.GetByText("Why you were matched").First).ToBeVisibleAsync();
            await Axe.AssertNoViolationsAsync(mentee);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(mentee, "matching-mentee", output);
            throw;
        }
        finally
        {
            await mentee.Context.CloseAsync();
        }
    }

    [GeneratedRegex("^Lock .+ with Jamie Mentee$")]
    private static partial Regex LockJamie();
}
