using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;
using Tandem.Features.Engagement;
using Tandem.Features.Home;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Engagement;

/// <summary>
/// Whole-program figures kept for a short while (KeptFigures, ADR 60), with the production setting of 30 s on an
/// app and clock of the test's own: the engagement page's counts and order and the coordinator home's counts stay as
/// they were worked out until they are 30 s old, while the pairs shown on a page are always read fresh.
/// </summary>
public sealed class KeptFiguresTests(PairFixture shared) : IClassFixture<PairFixture>
{
    private static WebApplicationFactory<Program> App(PairFixture shared, FakeTimeProvider clock) =>
        shared.Tandem.WithClock(clock, b => b.UseSetting("Figures:MaxAge", "00:00:30"));

    [Fact]
    public async Task EngagementCountsAndOrderAreKeptForHalfAMinuteWhileTheRowsShownAreCurrent()
    {
        var pair = await shared.PairAsync();
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var app = App(shared, clock);
        var coordinator = await app.SignedInClientAsync(pair.School.Coordinator);
        var url = $"/api/v1/programs/{pair.ProgramId}/health";

        var first = (await coordinator.GetFromJsonAsync<ProgramHealthView>(url, Json.Options))!;
        Assert.Equal(new HealthSummary(0, 0, 1), first.Summary);
        Assert.Equal(1, first.Relationships.TotalCount);

        // A second pair starts: the kept counts and order do not show it yet, 29 seconds on.
        var second = await pair.SecondPairAsync();
        clock.Advance(TimeSpan.FromSeconds(29));
        var kept = (await coordinator.GetFromJsonAsync<ProgramHealthView>(url, Json.Options))!;
        Assert.Equal(new HealthSummary(0, 0, 1), kept.Summary);
        Assert.Equal([pair.RelationshipId], kept.Relationships.Items.Select(h => h.RelationshipId));

        // Half a minute after they were worked out, they are worked out again.
        clock.Advance(TimeSpan.FromSeconds(2));
        var fresh = (await coordinator.GetFromJsonAsync<ProgramHealthView>(url, Json.Options))!;
        Assert.Equal(new HealthSummary(0, 0, 2), fresh.Summary);
        Assert.Equal(2, fresh.Relationships.TotalCount);
        Assert.Contains(second, fresh.Relationships.Items.Select(h => h.RelationshipId));

        // A filtered view is kept on its own.
        var onTrack = (await coordinator.GetFromJsonAsync<ProgramHealthView>(url + "?status=OnTrack", Json.Options))!;
        Assert.Equal(2, onTrack.Relationships.TotalCount);

        // The rows on the page are read now: a contact logged a moment ago shows in its row, not yet in the counts.
        var mentor = await app.SignedInClientAsync(pair.Mentor);
        var logged = await mentor.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new
        {
            happened = true, topics = "Reading plan", rating = 4, occurredAt = clock.GetUtcNow().UtcDateTime.AddHours(-1),
        });
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        var row = (await coordinator.GetFromJsonAsync<ProgramHealthView>(url, Json.Options))!.Relationships.Items
            .Single(h => h.RelationshipId == pair.RelationshipId);
        Assert.Equal(1, row.CheckInsLogged);
        Assert.NotNull(row.LastContactAt);
    }

    [Fact]
    public async Task TheCoordinatorsHomeCountsPairsAtRiskAgainOnlyWhenTheKeptCountIsHalfAMinuteOld()
    {
        var pair = await shared.PairAsync();
        await pair.SecondPairAsync();
        var clock = new FakeTimeProvider(TestClock.Start.AddDays(22));
        await using var app = App(shared, clock);
        var coordinator = await app.SignedInClientAsync(pair.School.Coordinator);

        async Task<int?> AtRiskAsync()
        {
            var home = (await coordinator.GetFromJsonAsync<Paged<ProgramAttention>>("/api/v1/me/managed-programs", Json.Options))!;
            return home.Items.Single(p => p.ProgramId == pair.ProgramId).Attention.SingleOrDefault(a => a.Key == "at-risk")?.Count;
        }

        // 22 days without a meeting on a weekly cadence: both pairs are at risk.
        Assert.Equal(2, await AtRiskAsync());

        var mentor = await app.SignedInClientAsync(pair.Mentor);
        var logged = await mentor.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new
        {
            happened = true, topics = "Back on track", rating = 5, occurredAt = clock.GetUtcNow().UtcDateTime.AddHours(-1),
        });
        Assert.Equal(HttpStatusCode.OK, logged.StatusCode);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(2, await AtRiskAsync());

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, await AtRiskAsync());
    }

    [Fact]
    public async Task TheRelationshipListsTotalIsKeptWhenThePageDoesNotTellItAndTheRowsAreCurrent()
    {
        var pair = await shared.PairAsync();
        var clock = new FakeTimeProvider(TestClock.Start);
        await using var app = App(shared, clock);
        var coordinator = await app.SignedInClientAsync(pair.School.Coordinator);
        var url = $"/api/v1/programs/{pair.ProgramId}/relationships?pageSize=1";

        // A full page of one: the total is counted, and kept.
        var first = (await coordinator.GetFromJsonAsync<Paged<Tandem.Features.Relationships.RelationshipView>>(url, Json.Options))!;
        Assert.Equal(1, first.TotalCount);

        var second = await pair.SecondPairAsync();
        clock.Advance(TimeSpan.FromSeconds(29));
        var kept = (await coordinator.GetFromJsonAsync<Paged<Tandem.Features.Relationships.RelationshipView>>(url, Json.Options))!;
        Assert.Equal(second, Assert.Single(kept.Items).Id);   // the page is read now: the newest pair first
        Assert.Equal(1, kept.TotalCount);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, (await coordinator.GetFromJsonAsync<Paged<Tandem.Features.Relationships.RelationshipView>>(url, Json.Options))!.TotalCount);

        // A page that is not full tells its own total, kept or not.
        Assert.Equal(2, (await coordinator.GetFromJsonAsync<Paged<Tandem.Features.Relationships.RelationshipView>>(
            $"/api/v1/programs/{pair.ProgramId}/relationships?pageSize=5", Json.Options))!.TotalCount);
    }
}
