using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Programs;
using Tandem.Features.Surveys;
using Tandem.Infrastructure.Auth;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

public sealed class SurveyJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task AStudentAnswersAPulseSurveyOnAPhoneWithTheKeyboardAlone()
    {
        // Given: the demo coordinator sent the pulse template, now, to everyone in the program.
        await SendPulseAsync();
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(page, "Mentee");
            await page.GotoAsync("/my/surveys");
            await page.GetByRole(AriaRole.Link).Filter(new() { HasText = "How was your meeting?" }).First.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How was your meeting?", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.Locator("#privacy")).ToContainTextAsync("Anonymous");
            await Axe.AssertNoViolationsAsync(page);

            // Every input has a label, and the page does not scroll sideways on the phone.
            var unlabelled = await page.EvaluateAsync<int>(
                "Array.from(document.querySelectorAll('form.survey-form input:not([type=hidden]), form.survey-form textarea')).filter(e => !e.labels || e.labels.length === 0).length");
            Assert.Equal(0, unlabelled);
            var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(width <= 390, $"The survey is {width}px wide on a 390px phone screen: it scrolls sideways.");
            await TandemServer.ScreenshotAsync(page, "pulse-survey-phone", output);

            // Keyboard only: focus a choice, Space picks it; type the comment; Enter on the button sends.
            var useful = page.GetByRole(AriaRole.Group, new() { Name = "How useful was this meeting?" });
            await useful.GetByRole(AriaRole.Radio, new() { Name = "8", Exact = true }).FocusAsync();
            await page.Keyboard.PressAsync("Space");
            await Expect(useful.GetByRole(AriaRole.Radio, new() { Name = "8", Exact = true })).ToBeCheckedAsync();
            var heard = page.GetByRole(AriaRole.Group, new() { Name = "I felt listened to." });
            await heard.GetByRole(AriaRole.Radio, new() { Name = "Agree", Exact = true }).FocusAsync();
            await page.Keyboard.PressAsync("Space");
            await page.GetByLabel("Anything to add? (optional)", new() { Exact = true }).FocusAsync();
            await page.Keyboard.TypeAsync("We planned my essay.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");

            await TandemServer.AtAsync(page, "/my/surveys?answered=true");
            await Expect(page.Locator(".notice")).ToContainTextAsync("Thank you for answering.");
            await Expect(page.GetByRole(AriaRole.Link).Filter(new() { HasText = "How was your meeting?" }).First).ToContainTextAsync("Answered");
            await Axe.AssertNoViolationsAsync(page);
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "survey-mentee", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task SendPulseAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var coordinator = await db.Users.SingleAsync(u => u.Email == server.Demo.For("Coordinator").Email);
        var actor = new Actor(coordinator.Id, false);
        var created = await scope.ServiceProvider.GetRequiredService<CreateSurvey>().RunAsync(actor, server.Demo.ProgramId, new SaveSurveyRequest
        {
            Template = SurveyKind.Pulse,
            Trigger = SurveyTrigger.Now,
            Audience = [ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer],
        });
        Assert.Null(created.Failure);
        var sent = await scope.ServiceProvider.GetRequiredService<SendSurvey>().RunAsync(actor, created.Value!.Id);
        Assert.Null(sent.Failure);
        Assert.True(sent.Value!.Invited > 0);
    }
}
