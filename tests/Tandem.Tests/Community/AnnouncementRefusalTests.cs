using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Community;
using Tandem.Features.Exports;
using Tandem.Features.Integrations;
using Tandem.Features.Notifications;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Community;

/// <summary>
/// ADR 121: an announcement is refused once retention anonymised its program (nothing reaches anyone, the page offers no
/// form), and the page reads an audience by its name only.
/// </summary>
public sealed class AnnouncementRefusalTests(PairFixture fixture) : IClassFixture<PairFixture>, IAsyncLifetime
{
    private WebhookReceiver receiver = default!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    private static string Announcements(Guid programId) => $"/api/v1/programs/{programId}/announcements";

    [Fact]
    public async Task AfterRetentionAnAnnouncementIsRefusedReachesNobodyAndThePageOffersNoForm()
    {
        var pair = await fixture.PairAsync();
        var slack = receiver.NewHook("slack");
        (await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/channels", new { slackWebhookUrl = slack })).EnsureSuccessStatusCode();
        await fixture.WithScopeAsync(async s =>
        {
            // As the retention job records its pass (ADR 49).
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", now.AddYears(-2), 24, "test", now));
            return await db.SaveChangesAsync();
        });
        var marker = $"after-retention-{Guid.NewGuid():N}";

        var refused = await pair.Coordinator.PostAsJsonAsync(Announcements(pair.ProgramId), new { title = marker, body = "Kept for good?", audience = "Everyone", postToChannels = true });
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var fromPage = await pages.SubmitAsync($"/programs/{pair.ProgramId}/announcements", "announce",
            [new("title", marker), new("body", "Kept for good?"), new("audience", "Everyone"), new("channels", "true")]);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("anonymised", await refused.Content.ReadAsStringAsync());
        Assert.False(fromPage.IsSuccessStatusCode); // the page offers no form to post to

        var stored = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Set<Announcement>().CountAsync(a => a.ProgramId == pair.ProgramId),
                await db.Set<Notification>().CountAsync(n => n.Title.Contains(marker)),
                await db.Set<OutboundPost>().CountAsync(p => p.ProgramId == pair.ProgramId));
        });
        Assert.Equal((0, 0, 0), stored);
        Assert.Empty(await fixture.OutboxForAsync(pair.Mentee.Email) is var mail ? mail.Where(e => e.Subject.Contains(marker)) : []);
        var page = await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/announcements");
        Assert.DoesNotContain("Post announcement", page);
        Assert.Contains("anonymised", page);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("Everyone, Mentors")]
    public async Task AnAudiencePostedAsANumberOrAListIsRefusedNotRead(string audience)
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/announcements", "announce",
            [new("title", "Rota"), new("body", "Mentors only: the rota for June."), new("audience", audience)]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose who the announcement is for", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain("the rota for June", await pair.Coordinator.GetStringAsync(Announcements(pair.ProgramId)));
    }
}
