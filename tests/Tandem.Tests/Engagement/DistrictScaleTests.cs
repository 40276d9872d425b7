using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Features.Demo;
using Tandem.Features.Engagement;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Engagement;

/// <summary>
/// Issue 17, "done when": a program with more pairs than SQLite takes parameters in one statement (32,766), seeded as
/// `tandem seed scale` seeds it, and the pages and endpoints that list or assess its pairs answer as users see them.
/// One check-in per pair keeps the seeding (by bulk copy, ADR 135) to about 20 s on the idle machine.
/// </summary>
[RunsLong(50)]
public sealed class DistrictScaleTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private const int Pairs = 40_000;
    private const int Mentors = 400;

    [Fact]
    public async Task EveryListOfAProgramWithFortyThousandPairsOpensForCoordinatorsAndParticipants()
    {
        var seeded = await factory.WithScopeAsync(s => s.GetRequiredService<SeedScale>()
            .RunAsync(new ScaleRequest(Pairs, Mentors, Relationships: Pairs, CheckInsPerPair: 1), TextWriter.Null));
        var programId = seeded.ProgramId;

        // The coordinator: engagement health over every pair (API and page).
        var coordinator = await PageClient.SignInAsync(factory, seeded.For("Coordinator").Email, seeded.For("Coordinator").Password);
        var health = (await coordinator.Http.GetFromJsonAsync<ProgramHealthView>($"/api/v1/programs/{programId}/health", Json.Options))!;
        Assert.Equal(Pairs, health.Relationships.TotalCount);
        Assert.Equal(Pairs, health.Summary.AtRisk + health.Summary.Drifting + health.Summary.OnTrack);
        // One pair in ten fell quiet half way through the six months: at risk, and listed first.
        Assert.InRange(health.Summary.AtRisk, Pairs / 10, Pairs);
        var first = health.Relationships.Items[0];
        Assert.Equal(HealthStatus.AtRisk, first.Status);
        Assert.Equal([ProgramRole.Mentor, ProgramRole.Mentee], first.Members.Select(m => m.Role));
        var page = await coordinator.Http.GetStringAsync($"/programs/{programId}/health");
        Assert.Contains($"{health.Summary.AtRisk} at risk", page);
        Assert.Contains($"{health.Summary.OnTrack} on track", page);
        Assert.Contains($"{first.Members[0].DisplayName} (mentor), {first.Members[1].DisplayName} (mentee)", page);

        // The coordinator: the program's relationships (API and page), one page of 40,000.
        var pairs = (await coordinator.Http.GetFromJsonAsync<Paged<RelationshipView>>($"/api/v1/programs/{programId}/relationships", Json.Options))!;
        Assert.Equal(Pairs, pairs.TotalCount);
        Assert.Equal(20, pairs.Items.Count);
        var listed = await coordinator.Http.GetAsync($"/programs/{programId}/relationships");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains(pairs.Items[0].Members[0].DisplayName, await listed.Content.ReadAsStringAsync());

        // The coordinator: the program list, with its participants counted.
        var programs = (await coordinator.Http.GetFromJsonAsync<Paged<ProgramSummary>>("/api/v1/programs", Json.Options))!;
        var program = Assert.Single(programs.Items);
        Assert.Equal(Pairs + Mentors, program.ParticipantCount);
        var programList = await coordinator.Http.GetStringAsync("/programs");
        Assert.Contains(WebUtility.HtmlEncode(program.Name), programList);
        Assert.Contains($"{Pairs + Mentors}", programList);

        // The first mentee sees their own pair (API and page), with the first mentor.
        var mentor = seeded.For("Mentor");
        var mentee = await PageClient.SignInAsync(factory, seeded.For("Mentee").Email, seeded.For("Mentee").Password);
        var mine = (await mentee.Http.GetFromJsonAsync<Paged<MyRelationshipView>>("/api/v1/relationships/mine", Json.Options))!;
        var pair = Assert.Single(mine.Items);
        Assert.Equal(programId, pair.ProgramId);
        var partner = pair.Members.Single(m => m.Role == ProgramRole.Mentor);
        var myPage = await mentee.Http.GetStringAsync("/my/relationships");
        Assert.Contains(partner.DisplayName, myPage);
        Assert.Contains(WebUtility.HtmlEncode(program.Name), myPage);

        // The first mentor has every 400th mentee: 100 pairs, 20 on the first page.
        var mentorPages = await PageClient.SignInAsync(factory, mentor.Email, mentor.Password);
        var theirs = (await mentorPages.Http.GetFromJsonAsync<Paged<MyRelationshipView>>("/api/v1/relationships/mine", Json.Options))!;
        Assert.Equal(Pairs / Mentors, theirs.TotalCount);
        Assert.All(theirs.Items, r => Assert.Equal(partner.UserId, r.Members.Single(m => m.Role == ProgramRole.Mentor).UserId));
        Assert.Equal(HttpStatusCode.OK, (await mentorPages.Http.GetAsync("/my/relationships")).StatusCode);
    }
}
