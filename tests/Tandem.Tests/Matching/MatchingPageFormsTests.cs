using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Matching;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Recruitment;

namespace Tandem.Tests.Matching;

/// <summary>ADR 127: a matching page's form that the page no longer shows is still answered by its use case, never a bare 400.</summary>
public sealed class MatchingPageFormsTests(RecruitmentFixture fixture) : IClassFixture<RecruitmentFixture>
{
    [Fact]
    public async Task ASecondRunPressedWhileTheFirstIsRunningGetsTheRunNotABare400()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        var page = await PageClient.SignInAsync(fixture.Tandem, program.School.Coordinator.Email);
        var draftPath = $"/programs/{program.Program.Id}/matching";
        // The first press's run is under way (claimed by a node that is still working it): the page shows its progress, no run form.
        // Stored already claimed (the fixture's worker would otherwise take it and finish it first).
        await fixture.Tandem.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            await using var transaction = await db.Database.BeginTransactionAsync();
            var run = new MatchingRun(program.Program.Id, program.School.Coordinator.Id, MatchingRunReason.Run, now);
            db.Add(run);
            await db.SaveChangesAsync();
            await db.Set<MatchingRun>().Where(r => r.Id == run.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, MatchingRunStatus.Running)
                .SetProperty(r => r.ClaimedBy, "another node").SetProperty(r => r.ClaimedUntil, now.AddDays(1)).SetProperty(r => r.StartedAt, now)
                .SetProperty(r => r.Attempts, 1));
            await transaction.CommitAsync();
            return run.Id;
        });

        var second = await page.SubmitAsync(draftPath, "run", []);

        var html = WebUtility.HtmlDecode(await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("Matching has started", html);
        Assert.Equal(1, await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MatchingRun>().CountAsync(r => r.ProgramId == program.Program.Id)));
    }

    [Fact]
    public async Task ARematchPostedForAPairThatLeftTheListIsAnsweredAndTheReasonKept()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" })).EnsureSuccessStatusCode();
        var ella = program.People["Ella Mentee"].EnrolmentId;
        var pair = await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Relationship>()
            .Where(r => r.ProgramId == program.Program.Id && r.Members.Any(m => m.EnrolmentId == ella)).Select(r => r.Id).SingleAsync());
        var page = await PageClient.SignInAsync(fixture.Tandem, program.School.Coordinator.Email);
        var listPath = $"/programs/{program.Program.Id}/relationships?status=Active";
        var shown = await page.FormFieldsAsync(listPath, $"rematch-{pair}-{ella}");

        // Another coordinator ends the pair: it leaves the list of active pairs the coordinator was reading.
        await fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Relationship>().Where(r => r.Id == pair)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RelationshipStatus.Completed)));
        var reason = "Ella asked for a mentor who teaches maths at her school";
        var posted = await page.SubmitAsync(listPath, $"rematch-{pair}-{ella}",
            [.. shown.Where(f => f.Key != "reason"), new("reason", reason)]);

        var html = WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
        Assert.Contains("cannot be re-matched", html);
        Assert.Contains(reason, html);
    }
    [Fact]
    public async Task AnAssignPressedOnACandidateThePageNoLongerOffersIsAnsweredAndAssignsNothing()
    {
        var program = await MatchingProgram.CreateAsync(fixture.Tandem, fixture.SignInAsync);
        await program.AddSmallPoolAsync();
        await program.SaveSetupAsync(MatchingProgram.SmallPoolSetup());
        var draft = await program.RunAsync();
        var page = await PageClient.SignInAsync(fixture.Tandem, program.School.Coordinator.Email);
        var finn = program.People["Finn Mentee"];
        var path = $"/programs/{program.Program.Id}/matching?person={finn.EnrolmentId}";
        var shown = await page.Http.GetStringAsync(path);
        var offered = program.People.Values.Where(p => p.Role == ProgramRole.Mentor && shown.Contains($"assign-{p.EnrolmentId}", StringComparison.Ordinal)).ToList();
        Assert.True(offered.Count >= 2, shown);
        Task<List<MatchRuleKind>> RulesAsync() => fixture.Tandem.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<MatchRule>()
            .Where(r => r.ProgramId == program.Program.Id).Select(r => r.Kind).ToListAsync());

        // Another coordinator forbids Finn with the first mentor offered: the page now lists that mentor as forbidden, with no
        // Assign. The press from the page as it was is told so, and the prohibition stands.
        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/rules",
            new { kind = "Forbid", firstEnrolmentId = offered[0].EnrolmentId, secondEnrolmentId = finn.EnrolmentId })).EnsureSuccessStatusCode();
        var forbidden = await page.SubmitAsync(path, $"assign-{offered[0].EnrolmentId}", []);

        Assert.Equal(HttpStatusCode.Conflict, forbidden.StatusCode);
        Assert.Contains($"A coordinator forbade {offered[0].Name} and Finn Mentee meanwhile. Nothing was assigned",
            WebUtility.HtmlDecode(await forbidden.Content.ReadAsStringAsync()));
        Assert.Equal([MatchRuleKind.Forbid], await RulesAsync());

        // The draft is published meanwhile: Finn has a partner and is no longer in the pool, so no candidates are listed; the
        // press on the second mentor gets the candidates' own reason (as a 409: a page's 404 is the site's not-found page), and
        // no lock is added.
        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" })).EnsureSuccessStatusCode();
        var published = await page.SubmitAsync(path, $"assign-{offered[1].EnrolmentId}", []);

        Assert.Equal(HttpStatusCode.Conflict, published.StatusCode);
        Assert.Contains("This person is not waiting in the program's pool (approved and not yet matched). Nothing was assigned.", WebUtility.HtmlDecode(await published.Content.ReadAsStringAsync()));
        Assert.Equal([MatchRuleKind.Forbid], await RulesAsync());
    }
}
