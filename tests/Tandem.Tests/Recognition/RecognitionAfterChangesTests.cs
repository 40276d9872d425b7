using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Recognition;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Recognition;

/// <summary>
/// ADR 129: recognition forms posted after the page changed reach their use case (kudos to a pair paused meanwhile, a
/// line another coordinator decided); no service hours for disabled or erased people; badge pages that hold still when
/// many awards share a moment; a ledger state filter read by name.
/// </summary>
public sealed class RecognitionAfterChangesTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task KudosSentAfterThePairWasPausedShowTheReasonAndKeepTheMessage()
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.Mentor);
        var path = "/my/recognition";
        var token = await PageClient.AntiforgeryTokenAsync(pages.Http, path);
        Assert.Contains("kudos-send", await pages.Http.GetStringAsync(path));

        // The mentor opened the page, the coordinator paused the pair, then the mentor pressed "Send kudos".
        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/status", new { status = "Paused" })).EnsureSuccessStatusCode();
        const string Message = "Thank you for all the reading this term";
        var sent = await pages.Http.PostAsync(path, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", token), new("_handler", "kudos-send"),
            new("To", $"{pair.ProgramId}:{pair.Mentee.Id}"), new("Message", Message),
        ]));

        Assert.Equal(HttpStatusCode.BadRequest, sent.StatusCode);
        var html = WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync());
        Assert.Contains("active pairs and groups", html);
        Assert.Contains(Message + "</textarea>", html);
        Assert.Equal(0, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Kudos>().CountAsync(k => k.ProgramId == pair.ProgramId)));
    }

    [Fact]
    public async Task ALineDecidedByAnotherCoordinatorIsAlreadyConfirmedWhenTheQueueIsEmpty()
    {
        var pair = await fixture.PairAsync();
        await fixture.WithScopeAsync(s => s.GetRequiredService<ServiceHours>().ProposeAsync(
            [new ServiceHourProposal(pair.ProgramId, pair.Mentee.Id, ServiceHourSource.Other, Guid.NewGuid(), Now.AddDays(-1), 45, "Helping at the fair")], default));
        var line = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<ServiceHourView>>($"/api/v1/programs/{pair.ProgramId}/service-hours", Json.Options))!.Items);
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/programs/{pair.ProgramId}/recognition";
        var token = await PageClient.AntiforgeryTokenAsync(pages.Http, path);

        (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/service-hours/{line.Id}/confirm", new { })).EnsureSuccessStatusCode();
        var second = await pages.Http.PostAsync(path, new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("_handler", "hours-decide"), new("Action", $"reject:{line.Id}")]));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("already confirmed", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AMeetingHeldProposesNoHoursForADisabledOrErasedMember()
    {
        var pair = await fixture.PairAsync();
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            (await db.Users.SingleAsync(u => u.Id == pair.Mentee.Id)).Disable();
            return await db.SaveChangesAsync();
        });
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var meeting = await pair.MeetingAsync(Now.AddDays(-1), minutes: 50);

        var checkIn = await mentor.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new { meetingId = meeting, happened = true, topics = "Reading" });

        Assert.True(checkIn.IsSuccessStatusCode, await checkIn.Content.ReadAsStringAsync());
        var lines = await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<ServiceHourEntry>()
            .Where(e => e.SourceId == meeting).Select(e => e.UserId).ToListAsync());
        Assert.Equal([pair.Mentor.Id], lines);
    }

    [Fact]
    public async Task TwentyFiveBadgesAwardedAtTheSameMomentFillTwoPagesWithTwentyFiveDifferentAwards()
    {
        var pair = await fixture.PairAsync();
        (await pair.Coordinator.PutAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badge-rules", new { enabled = new[] { BadgeCatalogue.ProgramComplete } })).EnsureSuccessStatusCode();
        var people = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            people.Add((await fixture.Tandem.CreateUserAsync($"Holder {i:00}")).Id);
        }
        // A program's close awards everyone in one go, at one timestamp.
        await fixture.WithScopeAsync(s => s.GetRequiredService<AwardBadges>().ByRuleAsync(pair.ProgramId, BadgeCatalogue.ProgramComplete, people, default));

        var url = $"/api/v1/programs/{pair.ProgramId}/badges?pageSize=20";
        var first = (await pair.Coordinator.GetFromJsonAsync<Paged<BadgeAwardView>>($"{url}&page=1", Json.Options))!.Items;
        var second = (await pair.Coordinator.GetFromJsonAsync<Paged<BadgeAwardView>>($"{url}&page=2", Json.Options))!.Items;

        var shown = first.Concat(second).ToList();
        Assert.Equal(25, shown.Select(a => a.UserId).Distinct().Count());
        // Newest first, then by id: the order both databases keep from one page to the next.
        Assert.Equal(shown.Select(a => a.Id).OrderByDescending(id => id.ToString("D").ToUpperInvariant(), StringComparer.Ordinal), shown.Select(a => a.Id));
    }

    [Fact]
    public async Task ALedgerStateThatIsNoStateIsRefused()
    {
        var pair = await fixture.PairAsync();
        var url = $"/api/v1/programs/{pair.ProgramId}/service-hours";

        var numbered = await pair.Coordinator.GetAsync($"{url}?state=7");

        Assert.Equal(HttpStatusCode.BadRequest, numbered.StatusCode);
        Assert.Contains("Proposed, Confirmed or Rejected", await numbered.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.GetAsync($"{url}?state=Proposed")).StatusCode);
    }
}
