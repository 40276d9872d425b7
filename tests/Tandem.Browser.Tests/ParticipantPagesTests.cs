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

/// <summary>"Students use phones": every page a demo mentee reaches from the menu, at 390 px, passes axe-core and does not scroll sideways.</summary>
public sealed class ParticipantPagesTests(TandemServer server, ITestOutputHelper output) : IClassFixture<TandemServer>
{
    [Fact]
    public async Task EveryPageADemoMenteeSeesPassesAxeAndFitsAPhoneScreen()
    {
        // Given: the demo mentee has a mentor, so their relationships page has a pair on it (with its links).
        await StartDemoPairAsync();
        var pages = new (string Path, string Heading)[]
        {
            ("/", "Welcome back"),
            ("/programs", "Programs"),
            ("/my/relationships", "Your matches"),
            ("/my/applications", "Your applications"),
            ("/my/surveys", "My surveys"),
            ($"/programs/{server.Demo.ProgramId}", "First-Year Peer Mentoring"),
            ("/concerns", "Report a concern"),
        };
        var page = await server.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(390, 844);
            await server.SignInAsync(page, "Mentee");
            // Every page is checked before the test fails, so one run names everything to fix.
            var problems = new List<string>();
            foreach (var (path, heading) in pages)
            {
                await page.GotoAsync(path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(heading);
                try
                {
                    await Axe.AssertNoViolationsAsync(page);
                }
                catch (Xunit.Sdk.XunitException failed)
                {
                    problems.Add(failed.Message);
                }
                var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
                if (width > 390)
                {
                    problems.Add($"{path} is {width}px wide on a 390px phone screen: it scrolls sideways.");
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

    private async Task StartDemoPairAsync()
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
    }
}
