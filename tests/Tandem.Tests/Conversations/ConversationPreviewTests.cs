using System.Net;
using System.Net.Http.Json;
using Tandem.Features.Conversations;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Conversations;

/// <summary>ADR 126: a conversation's preview is cut between whole characters, never inside an emoji.</summary>
public sealed class ConversationPreviewTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    [Fact]
    public async Task APreviewCutAcrossAnEmojiEndsBeforeItAndKeepsNoHalfOfIt()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        // The emoji (two UTF-16 units) starts at the last unit a preview keeps.
        var body = new string('a', ListMyConversations.PreviewLength - 1) + "😀 and the rest of the line";
        var sent = await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/conversation/messages", new { body });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);

        var mentor = await fixture.SignInAsync(pair.Mentor);
        var list = await mentor.GetFromJsonAsync<Paged<ConversationSummary>>("/api/v1/me/conversations", Json.Options);

        var preview = Assert.Single(list!.Items).LatestPreview;
        Assert.Equal(new string('a', ListMyConversations.PreviewLength - 1) + "…", preview);
    }
}
