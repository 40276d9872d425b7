using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Journal;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Journal;

/// <summary>
/// ADR 122: a journal entry is shared only with a relationship that is active now, so a paused or ended pair is no channel
/// (a mentor held back by consent, or after a concern, reads nothing new); an entry shared with a pair no longer active is
/// not edited until it is made private; what was shared while the pair was active stays readable (ADR 56).
/// </summary>
public sealed class JournalSharingReachTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private const string Journal = "/api/v1/me/journal";

    private static async Task<JournalEntryView> WriteAsync(HttpClient client, string body)
    {
        var response = await client.PostAsJsonAsync(Journal, new { body });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JournalEntryView>(Json.Options))!;
    }

    [Fact]
    public async Task APausedPairIsNoShareTargetAndAnEntrySharedWithItIsEditedOnlyOnceMadePrivate()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var before = await WriteAsync(mentee, "Shared while we met, SHARED-ACTIVE-1a2b");
        var after = await WriteAsync(mentee, "Written later, LATER-3c4d");
        Assert.Equal(HttpStatusCode.OK, (await mentee.PutAsJsonAsync($"{Journal}/{before.Id}/share", new { relationshipId = pair.RelationshipId })).StatusCode);
        Assert.Contains($"value=\"{pair.RelationshipId}\"", await mentee.GetStringAsync("/my/journal"));

        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Paused" })).StatusCode);

        // Not offered, and refused by the API in words; nothing is shared.
        Assert.DoesNotContain($"value=\"{pair.RelationshipId}\"", await mentee.GetStringAsync("/my/journal"));
        var shared = await mentee.PutAsJsonAsync($"{Journal}/{after.Id}/share", new { relationshipId = pair.RelationshipId });
        Assert.Equal(HttpStatusCode.Conflict, shared.StatusCode);
        Assert.Contains("active now", await shared.Content.ReadAsStringAsync());
        // The entry shared while the pair was active stays readable to the mentor, as it was.
        var seen = (await mentor.GetFromJsonAsync<Paged<SharedJournalEntryView>>($"{Journal}/shared-with-me", Json.Options))!.Items;
        Assert.Equal([before.Id], seen.Select(e => e.Id));
        Assert.DoesNotContain(seen, e => e.Body.Contains("LATER-3c4d"));

        // New words do not reach the paused pair through an edit: 409 until the entry is private, then the edit is the author's.
        var edited = await mentee.PutAsJsonAsync($"{Journal}/{before.Id}", new { body = "New words, NEW-WORDS-5e6f" });
        Assert.Equal(HttpStatusCode.Conflict, edited.StatusCode);
        Assert.Contains("make it private first", await edited.Content.ReadAsStringAsync());
        Assert.DoesNotContain(seen, e => e.Body.Contains("NEW-WORDS-5e6f"));
        Assert.All((await mentor.GetFromJsonAsync<Paged<SharedJournalEntryView>>($"{Journal}/shared-with-me", Json.Options))!.Items,
            e => Assert.DoesNotContain("NEW-WORDS-5e6f", e.Body));
        Assert.Equal(HttpStatusCode.OK, (await mentee.PutAsJsonAsync($"{Journal}/{before.Id}/share", new { relationshipId = (Guid?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentee.PutAsJsonAsync($"{Journal}/{before.Id}", new { body = "New words, NEW-WORDS-5e6f" })).StatusCode);
        Assert.Empty((await mentor.GetFromJsonAsync<Paged<SharedJournalEntryView>>($"{Journal}/shared-with-me", Json.Options))!.Items);
    }

    [Fact]
    public async Task AnEndedPairIsNoShareTarget()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var entry = await WriteAsync(mentee, "After it ended");
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "EndedEarly", reason = "Moved away" })).StatusCode);

        var shared = await mentee.PutAsJsonAsync($"{Journal}/{entry.Id}/share", new { relationshipId = pair.RelationshipId });

        Assert.Equal(HttpStatusCode.Conflict, shared.StatusCode);
        Assert.DoesNotContain($"value=\"{pair.RelationshipId}\"", await mentee.GetStringAsync("/my/journal"));
        Assert.Empty((await (await fixture.SignInAsync(pair.Mentor)).GetFromJsonAsync<Paged<SharedJournalEntryView>>($"{Journal}/shared-with-me", Json.Options))!.Items);
    }
}
