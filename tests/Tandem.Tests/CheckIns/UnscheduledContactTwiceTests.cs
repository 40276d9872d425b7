using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.CheckIns;
using Tandem.Features.Relationships;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.CheckIns;

/// <summary>
/// ADR 121: an unscheduled contact sent twice (a double click, a resent form) is stored once: the pair's meetings held
/// count it once.
/// </summary>
public sealed class UnscheduledContactTwiceTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private Task<(int CheckIns, int MeetingsHeld)> StoredAsync(Guid relationshipId) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        return (await db.Set<CheckIn>().CountAsync(c => c.RelationshipId == relationshipId),
            await db.Set<Relationship>().Where(r => r.Id == relationshipId).Select(r => r.MeetingsHeld).SingleAsync());
    });

    [Fact]
    public async Task AContactSentTwiceForTheSameMinuteIsRefusedTheSecondTimeAndCountedOnce()
    {
        var pair = await fixture.PairAsync();
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var at = Now.Date.AddHours(Now.Hour).AddMinutes(-30);

        var first = await mentor.PostAsJsonAsync(url, new { happened = true, topics = "A call", occurredAt = at });
        var again = await mentor.PostAsJsonAsync(url, new { happened = true, topics = "A call", occurredAt = at.AddSeconds(40) });
        var later = await mentor.PostAsJsonAsync(url, new { happened = true, topics = "Another call", occurredAt = at.AddMinutes(1) });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.OK), (first.StatusCode, again.StatusCode, later.StatusCode));
        Assert.Contains("already logged", await again.Content.ReadAsStringAsync());
        Assert.Equal((2, 2), await StoredAsync(pair.RelationshipId));
    }

    [Fact]
    public async Task AContactSentTwiceAtOnceIsStoredOnce()
    {
        var pair = await fixture.PairAsync();
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var url = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        var at = Now.AddHours(-1);

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => mentor.PostAsJsonAsync(url, new { happened = true, topics = "A call", occurredAt = at })));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Equal((1, 1), await StoredAsync(pair.RelationshipId));
    }
}
