using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Channels;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Channels;

/// <summary>
/// ADR 121: a row's form (a thread's reply, a post's report or moderation, an open report's decision) is answered even when
/// the list moved under it (the row is no longer on the page posted to); a refused moderation keeps the moderator's words;
/// the moderation page does only the decision it can read; the channel form reads a choice by its names only.
/// </summary>
public sealed class ChannelRowFormTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private static string Channels(Guid programId) => $"/api/v1/programs/{programId}/discussion-channels";

    private static string Posts(Guid programId, Guid channelId) => $"{Channels(programId)}/{channelId}/posts";

    private static async Task<ChannelView> GeneralAsync(HttpClient client, Guid programId) =>
        (await client.GetFromJsonAsync<Paged<ChannelView>>(Channels(programId), Json.Options))!.Items.Single(c => c.Kind == ChannelKind.General);

    private static async Task<PostView> PostAsync(HttpClient client, Guid programId, Guid channelId, string body)
    {
        var response = await client.PostAsJsonAsync(Posts(programId, channelId), new { body });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PostView>(Json.Options))!;
    }

    /// <summary>Twenty newer threads: the given one moves to the channel's second page.</summary>
    private Task<int> PushOffThePageAsync(Pair pair, Guid channelId) => fixture.WithScopeAsync(async s =>
    {
        var db = s.GetRequiredService<TandemDb>();
        var at = fixture.Clock.GetUtcNow().UtcDateTime;
        db.AddRange(Enumerable.Range(1, 20).Select(i => new ChannelPost(channelId, pair.ProgramId, pair.OtherMentee.Id, null, $"Newer thread {i}", at.AddMinutes(i))));
        return await db.SaveChangesAsync();
    });

    private Task<T> DbAsync<T>(Func<TandemDb, Task<T>> read) => fixture.WithScopeAsync(s => read(s.GetRequiredService<TandemDb>()));

    private static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    [Fact]
    public async Task AReplyReportAndModerationOfAThreadPushedOffThePageAreDoneAndARefusedReplyKeepsItsDraft()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "The thread answered");
        await PushOffThePageAsync(pair, general.Id);
        var path = $"/programs/{pair.ProgramId}/discussions/{general.Id}";
        Assert.DoesNotContain($"reply-{thread.Id}", await mentee.GetStringAsync(path));
        var mentor = await fixture.SignInPagesAsync(pair.Mentor);

        var tooLong = new string('w', ChannelPost.BodyMax) + " my long reply";
        var refused = await mentor.SubmitAsync(path, $"reply-{thread.Id}", [new("body", tooLong)]);
        var replied = await mentor.SubmitAsync(path, $"reply-{thread.Id}", [new("body", "Thanks, typed before the list moved")]);
        var reported = await mentor.SubmitAsync(path, $"report-{thread.Id}", [new("reason", "Off topic")]);
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var hidden = await coordinator.SubmitAsync(path, $"moderate-{thread.Id}", [new("action", "hide"), new("reason", "Unkind")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var box = (IHtmlTextAreaElement)Parse(await refused.Content.ReadAsStringAsync()).QuerySelector($"#reply-{thread.Id}")!;
        Assert.Equal(tooLong, box.Value);
        Assert.Equal(HttpStatusCode.OK, replied.StatusCode);
        Assert.Contains("Your reply is posted.", await replied.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);
        Assert.Contains("The post is hidden.", await hidden.Content.ReadAsStringAsync());
        var stored = await DbAsync(async db => (
            await db.Set<ChannelPost>().CountAsync(p => p.ParentPostId == thread.Id && p.Body == "Thanks, typed before the list moved"),
            await db.Set<PostReport>().CountAsync(r => r.PostId == thread.Id && r.Reason == "Off topic"),
            await db.Set<ChannelPost>().Where(p => p.Id == thread.Id).Select(p => p.HiddenAt != null).SingleAsync()));
        Assert.Equal((1, 1, true), stored);
    }

    [Fact]
    public async Task AReportNoLongerOnThePagePostedToIsDecidedAndARefusedHideKeepsTheModeratorsReason()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var first = await PostAsync(other, pair.ProgramId, general.Id, "A post someone minds");
        var second = await PostAsync(other, pair.ProgramId, general.Id, "Another post someone minds");
        (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{first.Id}/reports", new { reason = "Rude" })).EnsureSuccessStatusCode();
        (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{second.Id}/reports", new { reason = "Rude too" })).EnsureSuccessStatusCode();
        var reports = (await pair.Coordinator.GetFromJsonAsync<Paged<PostReportView>>($"/api/v1/programs/{pair.ProgramId}/discussion-reports", Json.Options))!.Items;
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        // The moderator opened the second page of reports; meanwhile the list shrank to one page.
        var path = $"/programs/{pair.ProgramId}/moderation?reports=2";

        var words = "Unkind words " + new string('x', ModerationEntry.ReasonMax);
        var refused = await pages.SubmitAsync(path, $"report-{reports[0].Id}", [new("action", "hide"), new("reason", words)]);
        var dismissed = await pages.SubmitAsync(path, $"report-{reports[1].Id}", [new("action", "dismiss")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var input = (IHtmlInputElement)Parse(await refused.Content.ReadAsStringAsync()).QuerySelector($"#why-{reports[0].Id}")!;
        Assert.Equal(words, input.Value);
        Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);
        Assert.Contains("The report is dismissed.", await dismissed.Content.ReadAsStringAsync());
        var states = await DbAsync(db => db.Set<PostReport>().Where(r => r.ProgramId == pair.ProgramId).ToDictionaryAsync(r => r.Id, r => r.State));
        Assert.Equal((ReportState.Open, ReportState.Dismissed), (states[reports[0].Id], states[reports[1].Id]));
    }

    [Fact]
    public async Task ARefusedModerationOnTheChannelPageKeepsItsReasonInAnOpenedBox()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "My post");
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}", $"moderate-{thread.Id}",
            [new("action", "mute"), new("reason", "Cooling off after the argument"), new("hours", "a week")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = Parse(await refused.Content.ReadAsStringAsync());
        var input = (IHtmlInputElement)page.QuerySelector($"#why-{thread.Id}")!;
        Assert.Equal("Cooling off after the argument", input.Value);
        Assert.True(input.Closest("details")!.HasAttribute("open"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("delete")]
    [InlineData("Dismiss")]
    public async Task ADecisionTheModerationPageCannotReadIsRefusedAndTheReportStaysOpen(string action)
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var post = await PostAsync(other, pair.ProgramId, general.Id, "A post someone minds");
        (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/reports", new { reason = "Rude" })).EnsureSuccessStatusCode();
        var report = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<PostReportView>>($"/api/v1/programs/{pair.ProgramId}/discussion-reports", Json.Options))!.Items);
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/moderation", $"report-{report.Id}", [new("action", action), new("reason", "")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose whether to hide the post or dismiss the report.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(ReportState.Open, await DbAsync(db => db.Set<PostReport>().Where(r => r.Id == report.Id).Select(r => r.State).SingleAsync()));
        Assert.Equal(0, await DbAsync(db => db.Set<ModerationEntry>().CountAsync(e => e.ProgramId == pair.ProgramId)));
    }

    [Theory]
    [InlineData("0:0")]
    [InlineData("Interest:0")]
    [InlineData("Audience:1")]
    public async Task AChannelChoicePostedAsNumbersIsRefusedNotRead(string kind)
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/discussions", "create", [new("name", "Numbered"), new("kind", kind)]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose who is in the channel.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(0, await DbAsync(db => db.Set<DiscussionChannel>().CountAsync(c => c.ProgramId == pair.ProgramId && c.Name == "Numbered")));
    }
}
