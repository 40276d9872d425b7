using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tandem.Browser.Tests.Infrastructure;
using Tandem.Data;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Tandem.Browser.Tests;

/// <summary>"Students use phones": every page a demo mentee reaches from the menu and their matches passes axe-core and does not scroll sideways, at 390 px and on a laptop.</summary>
public sealed class ParticipantPagesTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task EveryPageADemoMenteeSeesPassesAxeAndFitsAPhoneScreen()
    {
        // Given: the demo mentee has a mentor, so their relationships page has a pair on it (with its links).
        var relationshipId = await StartDemoPairAsync();
        var pages = new (string Path, string Heading)[]
        {
            ("/", "Hello"),
            ("/programs", "Programs"),
            ("/my/relationships", "Your matches"),
            ($"/relationships/{relationshipId}/meetings", "Meetings"),
            ($"/relationships/{relationshipId}/check-ins", "Check-ins"),
            ("/my/applications", "Your applications"),
            ("/my/surveys", "My surveys"),
            ("/my/calendar", "Your calendar feed"),
            ($"/programs/{server.Demo.ProgramId}", "First-Year Peer Mentoring"),
            ("/concerns", "Report a concern"),
            ("/notifications", "Notifications"),
            ("/organisations", "Organisations"),
            ("/account/password", "Change your password"),
        };
        var page = await server.NewPageAsync();
        try
        {
            // Every page is checked before the test fails, so one run names everything to fix.
            var problems = new List<string>();
            async Task CheckAsync(string path, string heading, int width)
            {
                await page.SetViewportSizeAsync(width, 844);
                await page.GotoAsync(path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(heading);
                try
                {
                    await Axe.AssertNoViolationsAsync(page);
                }
                catch (Xunit.Sdk.XunitException failed)
                {
                    problems.Add($"At {width} px: {failed.Message}");
                }
                var scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                if (scrollWidth > width)
                {
                    problems.Add($"{path} is {scrollWidth}px wide on a {width}px screen: it scrolls sideways.");
                }
            }

            await CheckAsync("/account/sign-in", "Sign in", 390);
            await server.SignInAsync(page, "Mentee");
            // A phone first; then a laptop, where the menu is laid out differently (no "Menu" toggle).
            foreach (var width in new[] { 390, 1280 })
            {
                foreach (var (path, heading) in pages)
                {
                    await CheckAsync(path, heading, width);
                }
            }
            Assert.True(problems.Count == 0, string.Join("\n\n", problems));
            server.AssertNoContentSecurityViolations();
        }
        catch
        {
            await server.ReportFailureAsync(page, "participant-pages", output);
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
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
}
