using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Notifications;

namespace Tandem.Tests.Engagement;

/// <summary>
/// ADR 126: a coordinator's message to a pair leaves room in the notice for its signature, so the longest message allowed
/// arrives whole and signed, and a longer one is refused (not cut at the end with its signature).
/// </summary>
public sealed class MessagePairLengthTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    /// <summary>The notice's 4,000 less "\n\n— " and the longest display name (120): MessagePair.BodyMax.</summary>
    private const int Longest = 4000 - 4 - 120;

    [Fact]
    public async Task TheLongestMessageArrivesWholeWithItsSignatureAndALongerOneIsRefused()
    {
        var pair = await fixture.PairAsync();
        var messages = $"/api/v1/relationships/{pair.RelationshipId}/messages";
        var body = string.Concat(Enumerable.Repeat("Plan the next meeting. ", Longest / 23 + 1))[..(Longest - 3)] + "End";

        var longer = await pair.Coordinator.PostAsJsonAsync(messages, new { title = "Too long", body = body + "!" });
        Assert.Equal(HttpStatusCode.BadRequest, longer.StatusCode);
        Assert.Contains("Body", await longer.Content.ReadAsStringAsync());
        Assert.Empty(await NoticesAsync(pair, "Too long"));

        var sent = await pair.Coordinator.PostAsJsonAsync(messages, new { title = "Longest", body });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var notice = Assert.Single(await NoticesAsync(pair, "Longest"));
        Assert.Equal($"{body}\n\n— {pair.School.Coordinator.DisplayName}", notice);
    }

    private Task<List<string>> NoticesAsync(Pair pair, string title) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().Where(n => n.UserId == pair.Mentee.Id && n.Title == title).Select(n => n.Body).ToListAsync());
}
