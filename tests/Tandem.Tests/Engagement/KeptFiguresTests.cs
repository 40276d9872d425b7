using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tandem.Features.Engagement;
using Tandem.Features.Home;
using Tandem.Infrastructure.Figures;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Engagement;

/// <summary>
/// Whole-program figures kept for a short while (KeptFigures, ADR 60), with the production setting of 30 s on an
/// app and clock of the test's own: the engagement page's counts and order and the coordinator home's counts stay as
/// they were worked out until they are 30 s old, while the pairs shown on a page are always read fresh. The first
/// request after that is answered with the kept figure, which is worked out again after its answer (ADR 80).
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

        // Half a minute after they were worked out, the first request is answered with them and they are worked out
        // again after its answer, for the next.
        clock.Advance(TimeSpan.FromSeconds(2));
        var claimant = (await coordinator.GetFromJsonAsync<ProgramHealthView>(url, Json.Options))!;
        Assert.Equal(new HealthSummary(0, 0, 1), claimant.Summary);
        Assert.Equal([pair.RelationshipId], claimant.Relationships.Items.Select(h => h.RelationshipId));
        await app.Services.GetRequiredService<KeptFigures>().RefreshedAsync();
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
        Assert.Equal(2, await AtRiskAsync());
        await app.Services.GetRequiredService<KeptFigures>().RefreshedAsync();
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
        Assert.Equal(1, (await coordinator.GetFromJsonAsync<Paged<Tandem.Features.Relationships.RelationshipView>>(url, Json.Options))!.TotalCount);
        await app.Services.GetRequiredService<KeptFigures>().RefreshedAsync();
        Assert.Equal(2, (await coordinator.GetFromJsonAsync<Paged<Tandem.Features.Relationships.RelationshipView>>(url, Json.Options))!.TotalCount);

        // A page that is not full tells its own total, kept or not.
        Assert.Equal(2, (await coordinator.GetFromJsonAsync<Paged<Tandem.Features.Relationships.RelationshipView>>(
            $"/api/v1/programs/{pair.ProgramId}/relationships?pageSize=5", Json.Options))!.TotalCount);
    }
}

/// <summary>
/// A figure that has grown old is worked out again by one request at a time (ADR 73), after that request's answer
/// (ADR 80): every request is answered with the figure kept so far while it is less than twice the maximum age, so that
/// neither do a busy program's coordinators all count the same thing at once every half minute, nor does one of them
/// wait for the count.
/// </summary>
public sealed class KeptFiguresClaimTests
{
    private static readonly Guid Program = Guid.CreateVersion7();

    private static readonly IServiceProvider Services = new ServiceCollection().BuildServiceProvider();

    private static (KeptFigures Figures, FakeTimeProvider Clock) Figures()
    {
        var clock = new FakeTimeProvider(TestClock.Start);
        var options = Microsoft.Extensions.Options.Options.Create(new FiguresOptions { MaxAge = TimeSpan.FromSeconds(30) });
        return (new KeptFigures(options, clock, Services.GetRequiredService<IServiceScopeFactory>(), NullLogger<KeptFigures>.Instance), clock);
    }

    private static Task<int> Get(KeptFigures figures, string kind, Func<Task<int>> count, string variant = "") =>
        figures.GetAsync(kind, Program, variant, Services, (_, _) => count());

    [Fact]
    public async Task TheRequestThatFindsAFigureOldIsAnsweredWithItAndItIsWorkedOutOnceAfterTheAnswer()
    {
        var (figures, clock) = Figures();
        Assert.Equal(1, await Get(figures, "relationships", () => Task.FromResult(1)));

        clock.Advance(TimeSpan.FromSeconds(31));
        var counting = new TaskCompletionSource<int>();
        var counted = 0;
        Assert.Equal(1, await Get(figures, "relationships", () => { counted++; return counting.Task; }));

        // Meanwhile: the kept figure, and nobody else counts.
        Assert.Equal(1, await Get(figures, "relationships", () => { counted++; return Task.FromResult(3); }));
        Assert.Equal(1, await Get(figures, "relationships", () => { counted++; return Task.FromResult(3); }));
        // Another variant is another figure, worked out by the request that first asks for it.
        Assert.Equal(7, await Get(figures, "relationships", () => Task.FromResult(7), "Active"));

        counting.SetResult(2);
        await figures.RefreshedAsync();
        Assert.Equal(2, await Get(figures, "relationships", () => { counted++; return Task.FromResult(3); }));
        Assert.Equal(1, counted);
    }

    [Fact]
    public async Task AFigureTwiceTheMaximumAgeIsNeverAnsweredWith()
    {
        var (figures, clock) = Figures();
        await Get(figures, "roles", () => Task.FromResult(1));
        clock.Advance(TimeSpan.FromSeconds(31));
        var counting = new TaskCompletionSource<int>();
        Assert.Equal(1, await Get(figures, "roles", () => counting.Task));

        // The claimant is still counting 30 s later: the kept figure is a minute old, so the next request counts before it answers.
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4, await Get(figures, "roles", () => Task.FromResult(4)));
        counting.SetResult(2);
        await figures.RefreshedAsync();
    }

    [Fact]
    public async Task WhenTheWorkAfterTheAnswerFailsTheFigureIsWorkedOutByALaterRequest()
    {
        var (figures, clock) = Figures();
        await Get(figures, "health", () => Task.FromResult(1));
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, await Get(figures, "health", () => throw new TimeoutException()));
        await figures.RefreshedAsync();

        // The claim stands for its half minute: the kept figure answers, up to twice the maximum age.
        Assert.Equal(1, await Get(figures, "health", () => Task.FromResult(5)));
        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(1, await Get(figures, "health", () => Task.FromResult(5)));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, await Get(figures, "health", () => Task.FromResult(5)));
    }

    [Fact]
    public async Task APageOfManyProgramsCountsTheMissingOnesBeforeItsAnswerAndTheOldOnesAfter()
    {
        var (figures, clock) = Figures();
        var old = Guid.CreateVersion7();
        var kept = Guid.CreateVersion7();
        var missing = Guid.CreateVersion7();
        var asked = new List<IReadOnlyList<Guid>>();
        Func<IServiceProvider, IReadOnlyList<Guid>, CancellationToken, Task<IReadOnlyDictionary<Guid, string>>> count(string when) => (_, ids, _) =>
        {
            asked.Add(ids);
            return Task.FromResult<IReadOnlyDictionary<Guid, string>>(ids.ToDictionary(id => id, _ => when));
        };
        await figures.GetManyAsync("home", [old], Services, count("at 0 s"));
        clock.Advance(TimeSpan.FromSeconds(31));
        await figures.GetManyAsync("home", [kept], Services, count("at 31 s"));
        asked.Clear();

        var page = await figures.GetManyAsync("home", [old, kept, missing], Services, count("at 31 s"));
        Assert.Equal("at 0 s", page[old]);
        Assert.Equal("at 31 s", page[kept]);
        Assert.Equal("at 31 s", page[missing]);
        await figures.RefreshedAsync();
        Assert.Equal([[missing], [old]], asked);

        // The next page is answered from what is kept, the old program's counts now worked out again.
        asked.Clear();
        page = await figures.GetManyAsync("home", [old, kept, missing], Services, count("at 31 s"));
        Assert.Equal("at 31 s", page[old]);
        Assert.Empty(asked);
    }
}
