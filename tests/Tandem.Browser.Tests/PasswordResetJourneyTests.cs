using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

public sealed class PasswordResetJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task APersonWhoForgotTheirPasswordSetsANewOneThroughTheEmailedLinkOnAPhoneAndSignsInWithIt()
    {
        var login = server.Demo.For("Mentee");
        const string newPassword = "a fresh phone passphrase";
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/account/sign-in");
            await page.GetByRole(AriaRole.Link, new() { Name = "Forgot your password?" }).ClickAsync();
            await page.WaitForURLAsync("**/account/forgot-password");
            await Axe.AssertNoViolationsAsync(page);

            await page.GetByLabel("E-mail").FillAsync(login.Email);
            await page.GetByRole(AriaRole.Button, new() { Name = "Send me a link" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account uses this address");
            await Axe.AssertNoViolationsAsync(page);

            await page.GotoAsync(await server.LinkInLatestEmailAsync(login.Email, "/account/reset-password"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Choose a new password");
            await Axe.AssertNoViolationsAsync(page);
            await page.GetByLabel("New password (10 characters or more)").FillAsync(newPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Set the new password" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password was changed");
            await Axe.AssertNoViolationsAsync(page);
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"The page is {width}px wide on a 390px phone screen: it scrolls sideways.");
            await TandemServer.ScreenshotAsync(page, "password-reset-phone", output);

            await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your new password" }).ClickAsync();
            await page.GetByLabel("E-mail").FillAsync(login.Email);
            await page.GetByLabel("Password").FillAsync(newPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            // Signed in: the home page greets them.
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Hello");
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "password-reset", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
