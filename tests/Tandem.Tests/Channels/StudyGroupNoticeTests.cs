using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Channels;
using Tandem.Features.Notifications;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Channels;

/// <summary>
/// ADR 121: a study group's channel is named after its members ("Study group: Mona, Menna"), which retention and erasure
/// reach in the channel but not in notices: a notice never names it, and a report's notice knows its program.
/// </summary>
public sealed class StudyGroupNoticeTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private static string Channels(Guid programId) => $"/api/v1/programs/{programId}/discussion-channels";

    private static async Task<PostView> PostAsync(HttpClient client, string posts, string body)
    {
        var response = await client.PostAsJsonAsync(posts, new { body });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PostView>(Json.Options))!;
    }

    private Task<List<Notification>> NoticesAsync(Guid userId) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking().Where(n => n.UserId == userId && n.Kind == NotificationKind.Discussions).ToListAsync());

    [Fact]
    public async Task NoticesFromAStudyGroupsChannelNeverNameItAndAReportsNoticeKnowsItsProgram()
    {
        var pair = await fixture.PairAsync();
        var groupId = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var now = fixture.Clock.GetUtcNow().UtcDateTime;
            var enrolments = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && e.Role != ProgramRole.Coordinator).ToListAsync();
            var group = new Relationship(pair.ProgramId, RelationshipKind.Group, DateOnly.FromDateTime(now), RelationshipSource.PoolMatch, null, null, null, now);
            db.Add(group);
            foreach (var e in enrolments)
            {
                db.Add(new RelationshipMember(group.Id, e.UserId, e.Id, e.Role));
            }
            await db.SaveChangesAsync();
            return group.Id;
        });
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var channel = (await pair.Coordinator.GetFromJsonAsync<Paged<ChannelView>>(Channels(pair.ProgramId), Json.Options))!.Items.Single(c => c.RelationshipId == groupId);
        Assert.StartsWith("Study group: ", channel.Name);
        var posts = $"{Channels(pair.ProgramId)}/{channel.Id}/posts";

        var thread = await PostAsync(mentor, posts, "Our first reading, @Menna Tee");
        await PostAsync(mentee, $"{posts}/{thread.Id}/replies", "I liked it");
        (await mentee.PostAsJsonAsync($"{posts}/{thread.Id}/reports", new { reason = "Spoilers" })).EnsureSuccessStatusCode();

        var toMentee = Assert.Single(await NoticesAsync(pair.Mentee.Id));
        var toMentor = Assert.Single(await NoticesAsync(pair.Mentor.Id));
        var toCoordinator = Assert.Single(await NoticesAsync(pair.School.Coordinator.Id));
        Assert.Equal("Mona Tor mentioned you in your study group's channel", toMentee.Title);
        Assert.Equal("Menna Tee replied to your post in your study group's channel", toMentor.Title);
        Assert.Equal("A post in a study group's channel was reported", toCoordinator.Title);
        Assert.All(new[] { toMentee, toMentor, toCoordinator }, n =>
        {
            Assert.DoesNotContain("Study group:", n.Title + n.Body);
            Assert.Equal(pair.ProgramId, n.ProgramId);
        });
        // The e-mail copies of the notices do not name it either.
        Assert.DoesNotContain(await fixture.OutboxForAsync(pair.Mentee.Email), e => e.Subject.Contains("Study group:") || System.Text.Encoding.UTF8.GetString(e.Mime).Contains("Study group:"));
    }
}
