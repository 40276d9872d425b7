using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>
/// Issue 10, item 7: a coordinator builds a form with the editor's buttons and its preview; a student on a phone gives
/// their free times as ranges with the keyboard alone.
/// </summary>
public sealed class FormEditorJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task ACoordinatorBuildsAFormAndAStudentOnAPhoneGivesFreeTimesByKeyboard()
    {
        var programId = await StudyBuddiesAsync();
        var page = await server.NewPageAsync();
        try
        {
            await server.SignInAsync(page, "Coordinator");
            await page.GotoAsync($"/programs/{programId}/questionnaires/peer");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Application form for peer", Level = 1 })).ToBeVisibleAsync();

            // Three questions, added one at a time; what was typed stays across the posts.
            await page.Locator("#prompt-1").FillAsync("Which module are you taking?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a question" }).ClickAsync();
            await page.Locator("#prompt-2").FillAsync("What do you find hard?");
            await page.Locator("#type-2").SelectOptionAsync("LongText");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a question" }).ClickAsync();
            await page.Locator("#prompt-3").FillAsync("When are you free?");
            await page.Locator("#type-3").SelectOptionAsync("Availability");
            await Expect(page.Locator("#prompt-1")).ToHaveValueAsync("Which module are you taking?");

            // Move the availability question up, then remove the first question.
            await page.GetByRole(AriaRole.Button, new() { Name = "Move up question 3" }).ClickAsync();
            await Expect(page.Locator("#prompt-2")).ToHaveValueAsync("When are you free?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Remove question 1" }).ClickAsync();
            await Expect(page.Locator("#prompt-1")).ToHaveValueAsync("When are you free?");
            await Expect(page.Locator("#prompt-2")).ToHaveValueAsync("What do you find hard?");
            await Expect(page.Locator("#prompt-3")).ToHaveCountAsync(0);

            // The preview shows the form as applicants see it, before it is saved.
            var preview = page.Locator("section.form-preview");
            await Expect(preview.GetByRole(AriaRole.Group, new() { Name = "When are you free?" })).ToBeVisibleAsync();
            await Expect(preview.GetByRole(AriaRole.Group, new() { Name = "What do you find hard?" })).ToBeVisibleAsync();
            await Expect(preview).Not.ToContainTextAsync("Which module");
            await Axe.AssertNoViolationsAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save form" }).ClickAsync();
            await Expect(page.Locator(".notice")).ToContainTextAsync("The form is saved");
            await TandemServer.ScreenshotAsync(page, "form-editor", output);
        }
        catch
        {
            await server.ReportFailureAsync(page, "form-editor", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }

        var phone = await server.NewPageAsync();
        try
        {
            await phone.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(phone, "Mentee");
            await phone.GotoAsync($"/apply/{programId}/peer");
            await Expect(phone.GetByRole(AriaRole.Group, new() { Name = "Monday" })).ToBeVisibleAsync();
            var width = await phone.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"The apply page is {width}px wide on a 390px phone screen: it scrolls sideways.");
            await Axe.AssertNoViolationsAsync(phone);

            // Keyboard only: Monday 09:00 to 12:00 by typing into the focused lists, then copy Monday to the weekdays.
            await phone.GetByLabel("Free from (Monday, another time)").FocusAsync();
            await phone.Keyboard.TypeAsync("09");
            await phone.Keyboard.PressAsync("Tab");
            await phone.Keyboard.TypeAsync("12");
            await Expect(phone.GetByLabel("to (Monday, another time)")).ToHaveValueAsync("12");
            await phone.GetByRole(AriaRole.Button, new() { Name = "Copy Monday to weekdays" }).FocusAsync();
            await phone.Keyboard.PressAsync("Enter");

            await Expect(phone.Locator(".notice")).ToContainTextAsync("Monday's times are copied to Tuesday to Friday.");
            await Expect(phone.GetByLabel("From (Friday, time 1)")).ToHaveValueAsync("9");
            await Expect(phone.GetByLabel("to (Friday, time 1)")).ToHaveValueAsync("12");
            await Expect(phone.GetByLabel("Free from (Saturday, another time)")).ToHaveValueAsync("");

            await phone.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).FocusAsync();
            await phone.Keyboard.PressAsync("Enter");
            await Expect(phone.Locator(".notice").Filter(new() { HasText = "Draft saved" })).ToBeVisibleAsync();
            await Expect(phone.GetByLabel("From (Wednesday, time 1)")).ToHaveValueAsync("9");
            await Axe.AssertNoViolationsAsync(phone);
            await TandemServer.ScreenshotAsync(phone, "availability-phone", output);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(phone, "availability-phone", output);
            throw;
        }
        finally
        {
            await phone.Context.CloseAsync();
        }
    }

    /// <summary>The demo's recruiting peer program, which has no application form yet.</summary>
    private async Task<Guid> StudyBuddiesAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        return await db.Programs.Where(p => p.Name.StartsWith("Study Buddies")).Select(p => p.Id).SingleAsync();
    }
}
