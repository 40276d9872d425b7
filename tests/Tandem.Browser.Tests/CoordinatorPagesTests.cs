using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Applications;
using Tandem.Features.Programs;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using Tandem.Tests.Infrastructure;

namespace Tandem.Browser.Tests;

/// <summary>
/// "Coordinators use tablets, and look at the queue on their phone": the review queue and the engagement page pass axe-core,
/// fit the screen with 44 px touch targets, and show their tables as stacked cards with a visible label on each value.
/// </summary>
[RunsLong(35)]
public sealed class CoordinatorPagesTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    private const string LongName = "Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff";

    [Fact]
    public async Task TheReviewQueueAndTheEngagementPageFitAPhoneAndATablet()
    {
        // Given: the demo program's queue has new applications waiting besides the approved ones, one from someone with a very
        // long name and long answers; one person in a running pair has a long name too.
        var longApplicationId = await SubmitApplicationsAsync();
        var programId = server.Demo.ProgramId;
        var pages = new (string Path, string Heading, string Table)[]
        {
            ($"/programs/{programId}/applications", "Applications", LongName),
            ($"/programs/{programId}/applications?sort=answer:interests", "Applications", LongName),
            ($"/programs/{programId}/applications/{longApplicationId}", LongName, ""),
            ($"/programs/{programId}/health", "Engagement health", LongName),
            ($"/programs/{programId}/goals", "Goal progress", LongName),
            ($"/programs/{programId}/training", "Training", ""),
        };
        var page = await server.NewPageAsync();
        try
        {
            await server.SignInAsync(page, "Coordinator");
            var problems = new List<string>();
            foreach (var width in new[] { 390, 820 })
            {
                await page.SetViewportSizeAsync(width, 844);
                foreach (var (path, heading, table) in pages)
                {
                    await page.GotoAsync(path);
                    await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(heading);
                    if (table.Length > 0)
                    {
                        await Expect(page.Locator("table.list")).ToContainTextAsync(table);
                    }
                    try
                    {
                        await Axe.AssertNoViolationsAsync(page);
                    }
                    catch (Xunit.Sdk.XunitException failed)
                    {
                        problems.Add($"At {width} px: {failed.Message}");
                    }
                    problems.AddRange(await Layout.PhoneProblemsAsync(page));
                    if (width == 390 && table.Length > 0)
                    {
                        // Stacked cards: no header row to read across, and every value carries its column's name.
                        await Expect(page.Locator("table.list thead tr")).ToBeHiddenAsync();
                        problems.AddRange((await UnlabelledCellsAsync(page)).Select(cell => $"{path} at 390 px: the card shows {cell} without its column's name."));
                    }
                }
            }
            await TandemServer.ScreenshotAsync(page, "review-queue-tablet", output);
            await page.SetViewportSizeAsync(390, 844);
            await page.GotoAsync($"/programs/{programId}/applications");
            await TandemServer.ScreenshotAsync(page, "review-queue-phone", output);
            Assert.True(problems.Count == 0, string.Join("\n\n", problems));
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "coordinator-pages", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The cells of the tables' first rows whose label (the ::before a stacked card shows) is missing or empty.</summary>
    private static async Task<string[]> UnlabelledCellsAsync(IPage page) => await page.EvaluateAsync<string[]>("""
        () => Array.from(document.querySelectorAll('table.list tbody tr:first-child > td')).flatMap(td => {
          const label = getComputedStyle(td, '::before').content.replace(/^"|"$/g, '');
          const shown = label !== 'none' && label.trim().length > 0 && td.getBoundingClientRect().height > 0;
          return shown ? [] : [`"${(td.innerText || td.innerHTML).trim().slice(0, 40)}"`];
        })
        """);

    /// <returns>The long-named applicant's application.</returns>
    private async Task<Guid> SubmitApplicationsAsync()
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TandemDb>();
        var now = DateTime.UtcNow;
        var form = await db.Set<Questionnaire>().Where(q => q.ProgramId == server.Demo.ProgramId && q.Role == ProgramRole.Mentee)
            .OrderByDescending(q => q.Version).FirstAsync();
        var applicants = new (string Name, string[] Interests)[]
        {
            (LongName, ["Study skills", "Music", "Sport", "Coding", "Languages", "Volunteering", "Gaming", "Art", "Careers", "Wellbeing"]),
            ("Ade Ok", ["Music"]),
            ("Bea Lund", ["Sport", "Art"]),
        };
        var longId = Guid.Empty;
        foreach (var ((name, interests), index) in applicants.Select((applicant, index) => (applicant, index)))
        {
            // Submitted the day before the demo's applications (seeded when the server started) and a second apart in
            // this order, so the queue (oldest first, 25 to a page) shows the long name on its first page. Submitted
            // "now", they came after the demo's 25 or more approved applications, and in one run (PostgreSQL,
            // 2026-12-04) the first page held only those.
            var submitted = now.AddDays(-1).AddSeconds(index);
            var user = new TandemUser
            {
                Id = Guid.CreateVersion7(),
                UserName = $"applicant.{Guid.NewGuid():N}@example.org",
                Email = $"applicant.{Guid.NewGuid():N}@example.org",
                DisplayName = name,
                EmailConfirmed = true,
                CreatedAt = now,
            };
            user.NormalizedEmail = user.Email.ToUpperInvariant();
            user.NormalizedUserName = user.UserName.ToUpperInvariant();
            db.Users.Add(user);
            var application = new Application(server.Demo.ProgramId, user.Id, ProgramRole.Mentee, form.Id, submitted);
            application.SaveDraft(form.Id, JsonSerializer.Serialize(new Dictionary<string, object> { ["interests"] = interests, ["free"] = new[] { 17, 18 } }),
                acceptsCode: true, age: null, guardianName: null, guardianEmail: null, submitted);
            application.Submit(submitted);
            db.Set<Application>().Add(application);
            if (name == LongName)
            {
                longId = application.Id;
            }
        }
        await db.SaveChangesAsync();
        // Someone in a running pair (the demo's first synthetic mentor) has the long name as well.
        var renamed = await db.Users.Where(u => u.Email!.EndsWith(".0@students.riverside.example"))
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.DisplayName, LongName));
        Assert.Equal(1, renamed);
        return longId;
    }
}
