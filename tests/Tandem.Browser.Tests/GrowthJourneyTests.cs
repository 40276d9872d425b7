using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Infrastructure;
using UglyToad.PdfPig;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>
/// Issue 13, "Done when": a mentor completes a training module on a phone, the pair sets a goal and ticks off an action
/// item, the mentee writes in her journal, the coordinator confirms the training hours and closes the program, and the
/// mentor downloads a certificate whose PDF names them, their hours and the training he completed. Every step on the pages;
/// only the program's module and the pair are given (through the API and the app's own use case).
/// </summary>
[RunsLong(40)]
public sealed class GrowthJourneyTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    private const string Module = "Active listening";

    [OneDatabaseFact(DatabaseProvider.Postgres)]
    public async Task AMentorTrainsOnAPhoneThePairWorksOnAGoalAndTheMentorDownloadsACertificateWithTheirHours()
    {
        // Given: the demo's mentor and mentee are a pair, and the program has a 45-minute module with a one-question quiz.
        var programId = server.Demo.ProgramId;
        var relationshipId = await StartDemoPairAsync();
        var mentorName = await NameOfAsync("Mentor");
        var goals = $"/relationships/{relationshipId}/goals";
        var item = $"Ask three open questions ({Guid.NewGuid():N})"[..40];

        await AsAsync("Coordinator", async page =>
        {
            var created = await page.Context.APIRequest.PostAsync($"/api/v1/programs/{programId}/training/modules", new()
            {
                DataObject = new
                {
                    title = Module, content = "Listen more than you talk.", audience = "Everyone", minutes = 45, passMarkPercent = 100,
                    videoLinks = Array.Empty<string>(),
                    questions = new object[] { new { text = "What helps your mentee think?", options = new[] { "Advice", "Open questions" }, correct = 1 } },
                    scenarios = Array.Empty<object>(),
                },
            });
            Assert.True(created.Status == 201, $"Creating the module answered {created.Status}: {await created.TextAsync()}");
        });

        // The mentor, on a phone, passes the module's quiz and sets the pair's goal.
        await AsAsync("Mentor", async page =>
        {
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync("/my/training");
            await page.GetByRole(AriaRole.Link, new() { Name = Module, Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = Module, Level = 1 })).ToBeVisibleAsync();
            await page.GetByLabel("Open questions", new() { Exact = true }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Check my answers" }).ClickAsync();
            await Expect(page.Locator(".notice").Filter(new() { HasText = "You scored 100%: passed. This module is complete." })).ToBeVisibleAsync();
            await Expect(page.GetByText("You completed this module on")).ToBeVisibleAsync();
            await Layout.AssertFitsAPhoneAsync(page);

            await page.GotoAsync(goals);
            await page.GetByLabel("What you want to achieve (specific)").FillAsync("Speak up in class once a week");
            await page.GetByLabel("How you will know (measure)").FillAsync("Times she spoke up, noted at check-ins");
            await page.GetByLabel("Target date").FillAsync(DateTime.UtcNow.AddMonths(2).ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Set the goal" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Speak up in class once a week", Level = 2 })).ToBeVisibleAsync();
            await Layout.AssertFitsAPhoneAsync(page);
        });

        // The mentee adds an action item to the goal and ticks it off, then writes in her journal.
        await AsAsync("Mentee", async page =>
        {
            await page.GotoAsync(goals);
            await page.GetByText("Add an action item").ClickAsync();
            await page.GetByLabel("What is to be done").FillAsync(item);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add to “To Do”" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = $"Done: {item}", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Done (1)" })).ToBeVisibleAsync();
            await Expect(page.Locator("progress")).ToHaveAttributeAsync("value", "100");

            await page.GotoAsync("/my/journal");
            await page.GetByLabel("Entry", new() { Exact = true }).FillAsync("Asked my first open question in maths today.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save entry" }).ClickAsync();
            await Expect(page.Locator(".notice").Filter(new() { HasText = "Entry saved. Only you can read it." })).ToBeVisibleAsync();
            await Expect(page.GetByText("Asked my first open question in maths today.")).ToBeVisibleAsync();
        });

        // The coordinator confirms the mentor's training hours, then closes the program.
        await AsAsync("Coordinator", async page =>
        {
            await page.GotoAsync($"/programs/{programId}/recognition");
            await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^Confirm {Regex.Escape(mentorName)}'s hours") }).ClickAsync();
            await Expect(page.Locator(".notice").Filter(new() { HasText = "Hours confirmed." })).ToBeVisibleAsync();

            await page.GotoAsync($"/programs/{programId}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Closed", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, close the program" }).ClickAsync();
            await Expect(page.GetByText("This program closed on")).ToBeVisibleAsync();
        });

        // The mentor downloads their certificate: their name, their 0.75 confirmed hours and the module are in the PDF's text.
        await AsAsync("Mentor", async page =>
        {
            await page.GotoAsync("/my/recognition");
            await Expect(page.GetByText($"Training completed: {Module}")).ToBeVisibleAsync();
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the PDF" }).ClickAsync());
            Assert.EndsWith(".pdf", download.SuggestedFilename);
            var file = Path.Combine(Path.GetTempPath(), $"tandem-certificate-{Guid.NewGuid():N}.pdf");
            await download.SaveAsAsync(file);
            try
            {
                using var pdf = PdfDocument.Open(file);
                var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
                Assert.Contains(mentorName, text);
                Assert.Contains("Confirmed service hours: 0.75", text);
                Assert.Contains($"Training completed: {Module}", text);
            }
            finally
            {
                File.Delete(file);
            }
        });
    }

    private async Task<string> NameOfAsync(string role)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var email = server.Demo.For(role).Email;
        return await scope.ServiceProvider.GetRequiredService<TandemDb>().Users.Where(u => u.Email == email).Select(u => u.DisplayName).SingleAsync();
    }

    private async Task<Guid> StartDemoPairAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var people = await db.Enrolments.Where(e => e.ProgramId == server.Demo.ProgramId)
            .Join(db.Users, e => e.UserId, u => u.Id, (e, u) => new { e.Id, u.Email })
            .ToListAsync();
        var coordinator = await db.Users.SingleAsync(u => u.Email == server.Demo.For("Coordinator").Email);
        var started = await scope.ServiceProvider.GetRequiredService<StartRelationship>().RunAsync(new Actor(coordinator.Id, false), new StartRelationshipRequest(
            server.Demo.ProgramId,
            [people.Single(p => p.Email == server.Demo.For("Mentor").Email).Id, people.Single(p => p.Email == server.Demo.For("Mentee").Email).Id],
            RelationshipKind.Pair,
            DateOnly.FromDateTime(DateTime.UtcNow),
            RelationshipSource.Manual,
            null,
            null));
        Assert.Null(started.Failure);
        return started.Value!.Id;
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
            await server.ReportFailureAsync(page, $"growth-{role}", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
