using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.Channels;
using Tandem.Features.Exports;
using Tandem.Features.Notifications;
using Tandem.Features.Privacy;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Infrastructure.Auth;
using Tandem.Infrastructure.Problems;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Channels;

/// <summary>
/// Issue 12, items 2 and 5: discussion channels per program (general, audience, interest, study group), threads, replies and mentions,
/// and moderation (report, hide, mute, remove, with a log), on the pages and through the API; never another program's channel.
/// </summary>
public sealed class ChannelTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private static string Channels(Guid programId) => $"/api/v1/programs/{programId}/discussion-channels";

    private static string Posts(Guid programId, Guid channelId) => $"{Channels(programId)}/{channelId}/posts";

    private static async Task<Paged<ChannelView>> ListAsync(HttpClient client, Guid programId) =>
        (await client.GetFromJsonAsync<Paged<ChannelView>>(Channels(programId), Json.Options))!;

    private static async Task<ChannelView> GeneralAsync(HttpClient client, Guid programId) =>
        (await ListAsync(client, programId)).Items.Single(c => c.Kind == ChannelKind.General);

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body, Json.Options)!;
    }

    private static async Task<PostView> PostAsync(HttpClient client, Guid programId, Guid channelId, string body) =>
        await ReadAsync<PostView>(await client.PostAsJsonAsync(Posts(programId, channelId), new { body }), HttpStatusCode.Created);

    private static async Task<ChannelView> CreateAsync(HttpClient coordinator, Guid programId, string name, string kind, string audience = "Everyone") =>
        await ReadAsync<ChannelView>(await coordinator.PostAsJsonAsync(Channels(programId), new { name, kind, audience }), HttpStatusCode.Created);

    private static async Task<List<PostView>> ThreadsAsync(HttpClient client, Guid programId, Guid channelId) =>
        (await client.GetFromJsonAsync<Paged<PostView>>(Posts(programId, channelId), Json.Options))!.Items.ToList();

    private Task<List<Notification>> NoticesAsync(Guid userId) => fixture.WithScopeAsync(s =>
        s.GetRequiredService<TandemDb>().Set<Notification>().AsNoTracking().Where(n => n.UserId == userId && n.Kind == NotificationKind.Discussions).ToListAsync());

    [Fact]
    public async Task APostMentioningSeveralPeopleNotifiesEachOneNamedAndNoOneElse()
    {
        var pair = await fixture.PairAsync();
        var general = await GeneralAsync(pair.Coordinator, pair.ProgramId);

        // A full name, a first name only one person has (any case), and a name nobody in the program has.
        await PostAsync(pair.Coordinator, pair.ProgramId, general.Id, "Welcome @Mona Tor and @PAT, and @Nobody Here!");

        Assert.Single(await NoticesAsync(pair.Mentor.Id), n => n.Title.Contains("mentioned you in General"));
        Assert.Single(await NoticesAsync(pair.OtherMentee.Id), n => n.Title.Contains("mentioned you in General"));
        Assert.DoesNotContain(await NoticesAsync(pair.Mentee.Id), n => n.Title.Contains("mentioned you"));
    }

    [Fact]
    public async Task AThreadAReplyAndAMentionNotifyTheRightPeopleAndTheMarkdownIsSafe()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        Assert.Empty(await ThreadsAsync(mentee, pair.ProgramId, general.Id));
        Assert.Contains("No threads yet.", await mentee.GetStringAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}"));

        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "Who has read **Holes**? @Mona Tor you said you had. <script>alert(1)</script>");
        var reply = await ReadAsync<PostView>(await mentor.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{thread.Id}/replies", new { body = "I have! Chapter 3 is the best." }),
            HttpStatusCode.Created);
        // A reply to a reply joins the thread (one level).
        var second = await ReadAsync<PostView>(await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{reply.Id}/replies", new { body = "Thanks @mona" }),
            HttpStatusCode.Created);
        Assert.Equal(thread.Id, second.ParentPostId);

        var mentorNotices = await NoticesAsync(pair.Mentor.Id);
        Assert.Equal(2, mentorNotices.Count(n => n.Title.Contains("mentioned you in General")));
        Assert.Single(await NoticesAsync(pair.Mentee.Id), n => n.Title.Contains("replied to your post in General"));
        Assert.Empty(await NoticesAsync(pair.OtherMentee.Id));
        Assert.DoesNotContain(mentorNotices, n => n.Body.Contains("Holes")); // the words stay in the channel

        var threads = await ThreadsAsync(mentor, pair.ProgramId, general.Id);
        var read = Assert.Single(threads);
        Assert.Equal(2, read.ReplyCount);
        Assert.Equal([reply.Id, second.Id], read.Replies.Select(r => r.Id));
        var page = await mentee.GetStringAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}");
        Assert.Contains("<strong>Holes</strong>", page);
        Assert.Contains("&lt;script&gt;", page);
        Assert.DoesNotContain("<script>alert", page);
        Assert.Contains("Chapter 3 is the best.", page);

        // Bad input is a 400, never a 500; an unknown thread a 404.
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(Posts(pair.ProgramId, general.Id), new { body = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentee.PostAsJsonAsync(Posts(pair.ProgramId, general.Id), new { body = new string('x', 4001) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{Guid.NewGuid()}/replies", new { body = "Hi" })).StatusCode);

        // Posting through the page's form.
        var pages = await fixture.SignInPagesAsync(pair.OtherMentee);
        var posted = await pages.SubmitAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}", "thread", [new("body", "Posted from the page")]);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Your thread is posted.", await posted.Content.ReadAsStringAsync());
        Assert.Equal("Posted from the page", (await ThreadsAsync(mentee, pair.ProgramId, general.Id))[0].Body);
    }

    [Fact]
    public async Task AudienceChannelsReachTheirRoleAndInterestChannelsThoseWhoJoin()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var mentors = await CreateAsync(pair.Coordinator, pair.ProgramId, "Mentors' room", "Audience", "Mentors");
        var books = await CreateAsync(pair.Coordinator, pair.ProgramId, "Book club", "Interest");

        Assert.Contains((await ListAsync(mentor, pair.ProgramId)).Items, c => c.Id == mentors.Id);
        Assert.DoesNotContain((await ListAsync(mentee, pair.ProgramId)).Items, c => c.Id == mentors.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"{Channels(pair.ProgramId)}/{mentors.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync(Posts(pair.ProgramId, mentors.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"/programs/{pair.ProgramId}/discussions/{mentors.Id}")).StatusCode);
        // Mentioning a mentee where no mentee reads does not notify her.
        await PostAsync(mentor, pair.ProgramId, mentors.Id, "Should we tell @Pat Other about the reading list?");
        Assert.Empty(await NoticesAsync(pair.OtherMentee.Id));

        // An interest channel: listed to everyone, read and written by those who join.
        var listed = (await ListAsync(mentee, pair.ProgramId)).Items.Single(c => c.Id == books.Id);
        Assert.False(listed.Joined);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync(Posts(pair.ProgramId, books.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.PostAsJsonAsync(Posts(pair.ProgramId, books.Id), new { body = "Hello" })).StatusCode);
        var joined = await ReadAsync<ChannelView>(await mentee.PutAsync($"{Channels(pair.ProgramId)}/{books.Id}/membership", null), HttpStatusCode.OK);
        Assert.True(joined.Joined && joined.CanPost);
        await PostAsync(mentee, pair.ProgramId, books.Id, "Hello book club");
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PutAsync($"{Channels(pair.ProgramId)}/{mentors.Id}/membership", null)).StatusCode);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.PutAsync($"{Channels(pair.ProgramId)}/{general.Id}/membership", null)).StatusCode);

        // Only coordinators open channels; the general and study group channels are Tandem's.
        Assert.Equal(HttpStatusCode.Forbidden, (await mentor.PostAsJsonAsync(Channels(pair.ProgramId), new { name = "Mine", kind = "Audience" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync(Channels(pair.ProgramId), new { name = "Second general", kind = "General" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync(Channels(pair.ProgramId), new { name = "", kind = "Audience" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync(Channels(pair.ProgramId), new { name = "X", kind = "Nonsense" })).StatusCode);
        // The coordinators' page opens a channel too.
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var opened = await pages.SubmitAsync($"/programs/{pair.ProgramId}/discussions", "create", [new("name", "Science fair"), new("kind", "Audience:Mentees")]);
        Assert.Contains("The channel Science fair is open.", await opened.Content.ReadAsStringAsync());
        Assert.Contains((await ListAsync(mentee, pair.ProgramId)).Items, x => x.Name == "Science fair" && x.Audience == ChannelAudience.Mentees);
    }

    [Fact]
    public async Task AnotherProgramsChannelsPostsAndPagesAreNotFound()
    {
        var pair = await fixture.PairAsync();
        var other = await fixture.PairAsync();
        var otherGeneral = await GeneralAsync(other.Coordinator, other.ProgramId);
        var thread = await PostAsync(other.Coordinator, other.ProgramId, otherGeneral.Id, "Only for the other program");
        var mentee = await fixture.SignInAsync(pair.Mentee);

        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync(Channels(other.ProgramId))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"{Channels(other.ProgramId)}/{otherGeneral.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync(Posts(other.ProgramId, otherGeneral.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsJsonAsync(Posts(other.ProgramId, otherGeneral.Id), new { body = "Hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsJsonAsync($"{Posts(other.ProgramId, otherGeneral.Id)}/{thread.Id}/reports", new { reason = "Spam" })).StatusCode);
        // Not through their own program's address either.
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync(Posts(pair.ProgramId, otherGeneral.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"/programs/{other.ProgramId}/discussions/{otherGeneral.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"/programs/{pair.ProgramId}/discussions/{otherGeneral.Id}")).StatusCode);
        // A coordinator of another organisation moderates nothing here.
        Assert.Equal(HttpStatusCode.NotFound, (await other.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/moderation-log")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Coordinator.PutAsJsonAsync($"{Posts(pair.ProgramId, otherGeneral.Id)}/{thread.Id}/hidden",
            new { hidden = true, reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task AStudyGroupsChannelIsReadByExactlyItsMembersAndTheProgramsStaff()
    {
        var pair = await fixture.PairAsync();
        var groupId = await fixture.WithScopeAsync(async s =>
        {
            // A group as matching forms one (RelationshipKind.Group): the mentor and the mentee.
            var db = s.GetRequiredService<TandemDb>();
            var enrolments = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && (e.UserId == pair.Mentor.Id || e.UserId == pair.Mentee.Id)).ToListAsync();
            var group = new Relationship(pair.ProgramId, RelationshipKind.Group, DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime), RelationshipSource.PoolMatch,
                null, null, null, fixture.Clock.GetUtcNow().UtcDateTime);
            db.Add(group);
            foreach (var e in enrolments)
            {
                db.Add(new RelationshipMember(group.Id, e.UserId, e.Id, e.Role));
            }
            await db.SaveChangesAsync();
            return group.Id;
        });
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var other = await fixture.SignInAsync(pair.OtherMentee);

        var channel = (await ListAsync(mentee, pair.ProgramId)).Items.Single(c => c.Kind == ChannelKind.StudyGroup);
        Assert.Equal(groupId, channel.RelationshipId);
        Assert.Contains("Mona", channel.Name);
        Assert.Contains((await ListAsync(mentor, pair.ProgramId)).Items, c => c.Id == channel.Id);
        Assert.Contains((await ListAsync(pair.Coordinator, pair.ProgramId)).Items, c => c.Id == channel.Id);
        Assert.DoesNotContain((await ListAsync(other, pair.ProgramId)).Items, c => c.Kind == ChannelKind.StudyGroup);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(Posts(pair.ProgramId, channel.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync(Posts(pair.ProgramId, channel.Id), new { body = "Let me in" })).StatusCode);

        // One channel per group, however many read the list at once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ListAsync(pair.Coordinator, pair.ProgramId)));
        Assert.Equal(1, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<DiscussionChannel>().CountAsync(c => c.RelationshipId == groupId)));
        Assert.Equal(1, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<DiscussionChannel>()
            .CountAsync(c => c.ProgramId == pair.ProgramId && c.Kind == ChannelKind.General)));

        // A mention of someone outside the group notifies no one; the coordinator reads and writes.
        await PostAsync(mentee, pair.ProgramId, channel.Id, "Can @Pat Other join us? @Mona Tor what do you think?");
        Assert.Empty(await NoticesAsync(pair.OtherMentee.Id));
        Assert.Single(await NoticesAsync(pair.Mentor.Id));
        await PostAsync(pair.Coordinator, pair.ProgramId, channel.Id, "Groups stay as matched, but you can meet in the General channel.");
        Assert.Equal(2, (await ThreadsAsync(mentor, pair.ProgramId, channel.Id)).Count);
    }

    [Fact]
    public async Task AReplyTheBoxAcceptedIsPostedWithItsLineBreaksAndARefusedOneComesBackAsTyped()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "What are you all reading?");
        var pages = await fixture.SignInPagesAsync(pair.Mentor);
        var path = $"/programs/{pair.ProgramId}/discussions/{general.Id}";

        // 3,960 letters in 40 lines: 4,038 characters as posted (CRLF), 3,999 as the box counted them.
        var lines = Enumerable.Range(0, 40).Select(i => new string((char)('a' + i % 26), 99)).ToList();
        var reply = string.Join("\r\n", lines);
        var posted = await pages.SubmitAsync(path, $"reply-{thread.Id}", [new("body", reply)]);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Your reply is posted.", await posted.Content.ReadAsStringAsync());

        // Over the limit however counted: refused, and the reply box holds what was typed.
        var tooLong = new string('z', ChannelPost.BodyMax + 1);
        var refused = await pages.SubmitAsync(path, $"reply-{thread.Id}", [new("body", tooLong)]);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($">{tooLong}</textarea>", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HidingAMinorsPostIsInTheirAccessLogWithoutTheModeratorsReasonHoweverLong()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var post = await PostAsync(mentee, pair.ProgramId, general.Id, "Something unkind");
        var reason = "Unkind about another student in the group, " + new string('x', 300);

        var hidden = await pair.Coordinator.PutAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/hidden", new { hidden = true, reason });

        Assert.Equal(HttpStatusCode.OK, hidden.StatusCode);
        var entry = Assert.Single((await mentee.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options))!.Items,
            e => e.Record == Tandem.Features.Privacy.AuditRecord.Discussions);
        Assert.Equal("Moderation: hid a post in a discussion channel", entry.Purpose);
        var log = await pair.Coordinator.GetFromJsonAsync<Paged<ModerationEntryView>>($"/api/v1/programs/{pair.ProgramId}/moderation-log", Json.Options);
        Assert.Equal(reason, Assert.Single(log!.Items).Reason);
    }

    [Fact]
    public async Task AReportedPostHiddenByACoordinatorReadsAsAPlaceholderToMembersAndAsItWasToItsAuthor()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var post = await PostAsync(other, pair.ProgramId, general.Id, "Something unkind about a teacher");

        var reported = await ReadAsync<ReportReceived>(await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/reports", new { reason = "It is unkind" }),
            HttpStatusCode.OK);
        Assert.Equal(post.Id, reported.PostId);
        Assert.Equal(HttpStatusCode.Conflict, (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/reports", new { reason = "Again" })).StatusCode);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        Assert.Equal(HttpStatusCode.BadRequest, (await mentor.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/reports", new { reason = "" })).StatusCode);
        Assert.Contains(await NoticesAsync(pair.School.Coordinator.Id), n => n.Title == "A post in General was reported");

        var reports = await pair.Coordinator.GetFromJsonAsync<Paged<PostReportView>>($"/api/v1/programs/{pair.ProgramId}/discussion-reports", Json.Options);
        var report = Assert.Single(reports!.Items);
        Assert.Equal(("It is unkind", "Pat Other", "Something unkind about a teacher"), (report.Reason, report.AuthorName, report.Body));
        Assert.Equal(HttpStatusCode.Forbidden, (await mentee.GetAsync($"/api/v1/programs/{pair.ProgramId}/discussion-reports")).StatusCode);

        var hidden = await ReadAsync<PostView>(await pair.Coordinator.PutAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/hidden",
            new { hidden = true, reason = "Unkind about a member of staff" }), HttpStatusCode.OK);
        Assert.True(hidden.Hidden);
        Assert.Equal(HttpStatusCode.Conflict, (await pair.Coordinator.PutAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/hidden",
            new { hidden = true, reason = "Again" })).StatusCode);

        var forMentee = Assert.Single(await ThreadsAsync(mentee, pair.ProgramId, general.Id));
        Assert.True(forMentee.Hidden);
        Assert.Null(forMentee.Body);
        var forAuthor = Assert.Single(await ThreadsAsync(other, pair.ProgramId, general.Id));
        Assert.Equal("Something unkind about a teacher", forAuthor.Body);
        var page = await mentee.GetStringAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}");
        Assert.Contains("Hidden by a moderator.", page);
        Assert.DoesNotContain("Something unkind", page);
        Assert.Contains("Something unkind", await other.GetStringAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}"));

        // The report is dealt with, and the log says who did what, when and why.
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<PostReportView>>($"/api/v1/programs/{pair.ProgramId}/discussion-reports", Json.Options))!.Items);
        var log = await pair.Coordinator.GetFromJsonAsync<Paged<ModerationEntryView>>($"/api/v1/programs/{pair.ProgramId}/moderation-log", Json.Options);
        var entry = Assert.Single(log!.Items);
        Assert.Equal((ModerationAction.HidPost, "Pat Other", "Unkind about a member of staff", post.Id), (entry.Action, entry.SubjectName, entry.Reason, entry.PostId));
        Assert.NotNull(entry.ModeratorName);
        var logPage = await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/moderation");
        Assert.Contains("Hid a post by Pat Other", logPage);
        Assert.Contains("Unkind about a member of staff", logPage);

        // A second report, dismissed from the moderation page.
        var another = await PostAsync(other, pair.ProgramId, general.Id, "A second post");
        (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{another.Id}/reports", new { reason = "Not sure" })).EnsureSuccessStatusCode();
        var open = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<PostReportView>>($"/api/v1/programs/{pair.ProgramId}/discussion-reports", Json.Options))!.Items);
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var dismissed = await pages.SubmitAsync($"/programs/{pair.ProgramId}/moderation", $"report-{open.Id}", [new("action", "dismiss"), new("reason", "")]);
        Assert.Contains("The report is dismissed.", await dismissed.Content.ReadAsStringAsync());
        Assert.Equal(2, (await pair.Coordinator.GetFromJsonAsync<Paged<ModerationEntryView>>($"/api/v1/programs/{pair.ProgramId}/moderation-log", Json.Options))!.TotalCount);
    }

    [Fact]
    public async Task AMutedMemberCannotPostOnThePageOrThroughTheApiUntilTheMuteEnds()
    {
        var own = await fixture.WithOwnClockAsync();
        try
        {
            await MuteAsync(own);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private static async Task MuteAsync(PairFixture own)
    {
        var pair = await own.PairAsync();
        var mentee = await own.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        await PostAsync(mentee, pair.ProgramId, general.Id, "Before the mute");

        var muted = await ReadAsync<ChannelMemberView>(await pair.Coordinator.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/mutes",
            new { userId = pair.Mentee.Id, hours = 24, reason = "Cooling off" }), HttpStatusCode.OK);
        Assert.NotNull(muted.MutedUntil);
        var refused = await mentee.PostAsJsonAsync(Posts(pair.ProgramId, general.Id), new { body = "During the mute" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("muted", await refused.Content.ReadAsStringAsync());
        Assert.False((await GeneralAsync(mentee, pair.ProgramId)).CanPost);
        // They still read the channel.
        Assert.Single(await ThreadsAsync(mentee, pair.ProgramId, general.Id));
        var pages = await own.SignInPagesAsync(pair.Mentee);
        Assert.Contains("A moderator muted you", await pages.Http.GetStringAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}"));

        // Bad values are 400s; staff are not muted (409).
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/mutes",
            new { userId = pair.Mentee.Id, hours = 5000, reason = "Too long" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/mutes",
            new { userId = pair.Mentee.Id, hours = 24, reason = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await pair.Coordinator.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/mutes",
            new { userId = Guid.NewGuid(), hours = 24, reason = "Nobody" })).StatusCode);

        own.Clock.Advance(TimeSpan.FromHours(25));
        await PostAsync(mentee, pair.ProgramId, general.Id, "After the mute");
        var log = await pair.Coordinator.GetFromJsonAsync<Paged<ModerationEntryView>>($"/api/v1/programs/{pair.ProgramId}/moderation-log", Json.Options);
        var entry = Assert.Single(log!.Items);
        Assert.Equal((ModerationAction.Muted, "Cooling off"), (entry.Action, entry.Reason));
        Assert.Equal(muted.MutedUntil, entry.Until);
    }

    [Fact]
    public async Task ARemovedMemberNoLongerFindsTheChannelUntilLetBack()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "My post");

        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var removed = await pages.SubmitAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}", $"moderate-{thread.Id}",
            [new("action", "remove"), new("reason", "Repeated unkindness"), new("hours", "24")]);
        Assert.Contains("is removed from this channel", await removed.Content.ReadAsStringAsync());

        Assert.DoesNotContain((await ListAsync(mentee, pair.ProgramId)).Items, c => c.Id == general.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"{Channels(pair.ProgramId)}/{general.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync(Posts(pair.ProgramId, general.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.PostAsJsonAsync(Posts(pair.ProgramId, general.Id), new { body = "Still here?" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await mentee.GetAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}")).StatusCode);
        var entry = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<ModerationEntryView>>($"/api/v1/programs/{pair.ProgramId}/moderation-log", Json.Options))!.Items);
        Assert.Equal((ModerationAction.Removed, pair.Mentee.Id, "Repeated unkindness"), (entry.Action, entry.SubjectUserId, entry.Reason));

        var back = await ReadAsync<ChannelMemberView>(await pair.Coordinator.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/removals",
            new { userId = pair.Mentee.Id, removed = false, reason = "Apologised" }), HttpStatusCode.OK);
        Assert.False(back.Removed);
        Assert.Equal(HttpStatusCode.OK, (await mentee.GetAsync(Posts(pair.ProgramId, general.Id))).StatusCode);
    }

    [Fact]
    public async Task ParticipantsAndStaffWhoAreNotCoordinatorsCannotModerate()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "Hello");

        foreach (var client in new[] { mentee, mentor })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{thread.Id}/hidden", new { hidden = true, reason = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/mutes", new { userId = pair.OtherMentee.Id, hours = 24, reason = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/removals", new { userId = pair.OtherMentee.Id, reason = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/v1/programs/{pair.ProgramId}/moderation-log")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/v1/programs/{pair.ProgramId}/discussion-reports/{Guid.NewGuid()}/dismiss", Json.Empty())).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/programs/{pair.ProgramId}/moderation")).StatusCode);
        }
        var page = await mentee.GetStringAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}");
        Assert.DoesNotContain("Hide the post", page);
        Assert.Contains("Hide the post", await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}"));
        // Coordinators are not muted or removed.
        Assert.Equal(HttpStatusCode.Conflict, (await pair.Coordinator.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/mutes",
            new { userId = pair.School.Coordinator.Id, hours = 24, reason = "x" })).StatusCode);
        Assert.Empty((await pair.Coordinator.GetFromJsonAsync<Paged<ModerationEntryView>>($"/api/v1/programs/{pair.ProgramId}/moderation-log", Json.Options))!.Items);
    }

    [Fact]
    public async Task APersonsPostsAndReportsAreInTheirDataExportAndErasureEmptiesTheirWords()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var marker = $"channel-marker-{Guid.NewGuid():N}";
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, $"My thread {marker}");
        var mentorPost = await PostAsync(mentor, pair.ProgramId, general.Id, "The mentor's post");
        (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{mentorPost.Id}/reports", new { reason = $"Reason {marker}" })).EnsureSuccessStatusCode();

        var export = JsonNode.Parse(await mentee.GetStringAsync("/api/v1/me/data-export"))!;
        var posts = export["channelPosts"]!.AsArray();
        var mine = Assert.Single(posts);
        Assert.Equal($"My thread {marker}", mine!["body"]!.GetValue<string>());
        Assert.Equal("General", mine["channel"]!.GetValue<string>());
        Assert.Contains(marker, export["channelReports"]!.ToJsonString());
        Assert.DoesNotContain("The mentor's post", export["channelPosts"]!.ToJsonString());

        var erased = await fixture.WithScopeAsync(s => s.GetRequiredService<ErasePerson>().RunAsync(pair.Mentee.Id));
        Assert.NotNull(erased);
        Assert.Empty(await Privacy.MarkerScan.WhereIsAsync(fixture, marker));
        var threads = await ThreadsAsync(mentor, pair.ProgramId, general.Id);
        Assert.Equal("(erased)", threads.Single(t => t.Id == thread.Id).Body);
        Assert.Equal("The mentor's post", threads.Single(t => t.Id == mentorPost.Id).Body);
    }

    private static Actor As(UserSummary user) => new(user.Id, false);

    private Task<List<ModerationEntryView>> LogAsync(Pair pair) =>
        pair.Coordinator.GetFromJsonAsync<Paged<ModerationEntryView>>($"/api/v1/programs/{pair.ProgramId}/moderation-log", Json.Options)
            .ContinueWith(t => t.Result!.Items.ToList());

    private Task<int> AnonymiseAsync(Pair pair) => fixture.WithScopeAsync(async s =>
    {
        // As the retention job records its pass (ADR 49); what it overwrites is tested in Privacy/RetentionTests.
        var db = s.GetRequiredService<TandemDb>();
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        db.Add(new RetentionRun(pair.School.Organisation.Id, pair.ProgramId, "Reading Buddies", now.AddYears(-2), 24, "test", now));
        return await db.SaveChangesAsync();
    });

    [Fact]
    public async Task DismissingAReportLogsWhichReportWithoutTheReportersWords()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var post = await PostAsync(other, pair.ProgramId, general.Id, "A post someone minds");
        var marker = $"reporter-words-{Guid.NewGuid():N}";
        (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/reports", new { reason = marker })).EnsureSuccessStatusCode();
        var report = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<PostReportView>>($"/api/v1/programs/{pair.ProgramId}/discussion-reports", Json.Options))!.Items);

        (await pair.Coordinator.PostAsync($"/api/v1/programs/{pair.ProgramId}/discussion-reports/{report.Id}/dismiss", Json.Empty())).EnsureSuccessStatusCode();

        var entry = Assert.Single(await LogAsync(pair));
        Assert.Equal((ModerationAction.DismissedReports, $"Report dismissed (report {report.Id})", post.Id), (entry.Action, entry.Reason, entry.PostId));
        Assert.DoesNotContain(marker, await pair.Coordinator.GetStringAsync($"/programs/{pair.ProgramId}/moderation"));
    }

    [Fact]
    public async Task HidingAReportedPostOnTheModerationPageNeedsTheModeratorsOwnReason()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var other = await fixture.SignInAsync(pair.OtherMentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var post = await PostAsync(other, pair.ProgramId, general.Id, "A post someone minds");
        (await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/reports", new { reason = "The reporter's own words" })).EnsureSuccessStatusCode();
        var report = Assert.Single((await pair.Coordinator.GetFromJsonAsync<Paged<PostReportView>>($"/api/v1/programs/{pair.ProgramId}/discussion-reports", Json.Options))!.Items);
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/moderation", $"report-{report.Id}", [new("action", "hide"), new("reason", "  ")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Give a reason of 1 to 500 characters", await refused.Content.ReadAsStringAsync());
        Assert.Empty(await LogAsync(pair));
        Assert.False(Assert.Single(await ThreadsAsync(mentee, pair.ProgramId, general.Id)).Hidden);
        // The API refuses an empty reason too; with the moderator's words the post is hidden and the log holds them only.
        Assert.Equal(HttpStatusCode.BadRequest, (await pair.Coordinator.PutAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/hidden",
            new { hidden = true, reason = "" })).StatusCode);
        var hidden = await pages.SubmitAsync($"/programs/{pair.ProgramId}/moderation", $"report-{report.Id}", [new("action", "hide"), new("reason", "Unkind")]);
        Assert.Contains("The post is hidden.", await hidden.Content.ReadAsStringAsync());
        Assert.Equal("Unkind", Assert.Single(await LogAsync(pair)).Reason);
    }

    [Fact]
    public async Task AfterRetentionAProgramsChannelsTakeNoPostReportModeratorsReasonOrNewChannel()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var post = await PostAsync(mentee, pair.ProgramId, general.Id, "Written before the program closed");
        await AnonymiseAsync(pair);

        var refused = new[]
        {
            await mentee.PostAsJsonAsync(Posts(pair.ProgramId, general.Id), new { body = "Kept forever?" }),
            await mentee.PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/replies", new { body = "Kept forever too?" }),
            await (await fixture.SignInAsync(pair.OtherMentee)).PostAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/reports", new { reason = "A reason kept forever?" }),
            await pair.Coordinator.PutAsJsonAsync($"{Posts(pair.ProgramId, general.Id)}/{post.Id}/hidden", new { hidden = true, reason = "A reason kept forever?" }),
            await pair.Coordinator.PostAsJsonAsync($"{Channels(pair.ProgramId)}/{general.Id}/mutes", new { userId = pair.Mentee.Id, hours = 24, reason = "Kept forever?" }),
            await pair.Coordinator.PostAsJsonAsync(Channels(pair.ProgramId), new { name = "Kept forever?", kind = "Interest" }),
        };

        foreach (var response in refused)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("anonymised", await response.Content.ReadAsStringAsync());
        }
        var kept = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.Set<ChannelPost>().CountAsync(p => p.ProgramId == pair.ProgramId), await db.Set<PostReport>().CountAsync(r => r.ProgramId == pair.ProgramId),
                await db.Set<ModerationEntry>().CountAsync(e => e.ProgramId == pair.ProgramId), await db.Set<DiscussionChannel>().CountAsync(c => c.ProgramId == pair.ProgramId));
        });
        Assert.Equal((1, 0, 0, 1), kept);
        // What was there is still read.
        Assert.Single(await ThreadsAsync(mentee, pair.ProgramId, general.Id));
    }

    [Fact]
    public async Task AStudyGroupWhoseNameWouldBeCutInsideAnEmojiGetsItsChannelWithTheEmojiLeftOut()
    {
        var pair = await fixture.PairAsync();
        // "Study group: " is 13 characters; 66 letters bring the emoji (two UTF-16 units) across the 80th.
        var first = new string('A', 66) + "\U0001F600";
        var groupId = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            await db.Users.Where(u => u.Id == pair.Mentee.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, first + " Tee"));
            var enrolments = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && (e.UserId == pair.Mentor.Id || e.UserId == pair.Mentee.Id)).ToListAsync();
            var group = new Relationship(pair.ProgramId, RelationshipKind.Group, DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime), RelationshipSource.PoolMatch,
                null, null, null, fixture.Clock.GetUtcNow().UtcDateTime);
            db.Add(group);
            foreach (var e in enrolments)
            {
                db.Add(new RelationshipMember(group.Id, e.UserId, e.Id, e.Role));
            }
            await db.SaveChangesAsync();
            return group.Id;
        });

        var listed = await pair.Coordinator.GetAsync(Channels(pair.ProgramId));
        var again = await pair.Coordinator.GetAsync(Channels(pair.ProgramId));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (listed.StatusCode, again.StatusCode));
        var channel = (await ReadAsync<Paged<ChannelView>>(again, HttpStatusCode.OK)).Items.Single(c => c.RelationshipId == groupId);
        Assert.Equal("Study group: " + new string('A', 66), channel.Name);
    }

    [Fact]
    public async Task AThreadShowsItsLatestFiftyRepliesAndNoMoreAreRead()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "Sixty replies below");
        var replies = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var at = fixture.Clock.GetUtcNow().UtcDateTime;
            var made = Enumerable.Range(1, 60).Select(i => new ChannelPost(general.Id, pair.ProgramId, pair.Mentor.Id, thread.Id, $"Reply {i}", at.AddMinutes(i))).ToList();
            db.AddRange(made);
            await db.SaveChangesAsync();
            return made.Select(r => r.Id).ToList();
        });
        var rows = new RowsRead();

        var read = await UseCaseOver.RunAsync<ListPosts, Outcome<Paged<PostView>>>(fixture.Tandem.Services, rows, l => l.RunAsync(As(pair.Mentee), pair.ProgramId, general.Id, 1, 20));

        var shown = Assert.Single(read.Value!.Items);
        Assert.Equal(60, shown.ReplyCount);
        Assert.Equal(replies[10..], shown.Replies.Select(r => r.Id));
        Assert.Equal("Reply 60", shown.Replies[^1].Body);
        Assert.True(rows.Queries.All(q => q.Rows <= ListPosts.RepliesShown), string.Join("\n", rows.Queries.Select(q => $"{q.Rows}: {q.Sql}")));
    }

    [Fact]
    public async Task ListingChannelsAsStaffReadsNoGroupThatAlreadyHasItsChannel()
    {
        var pair = await fixture.PairAsync();
        await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var enrolments = await db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && e.Role != ProgramRole.Coordinator).ToListAsync();
            var today = DateOnly.FromDateTime(fixture.Clock.GetUtcNow().UtcDateTime);
            for (var i = 0; i < 5; i++)
            {
                var group = new Relationship(pair.ProgramId, RelationshipKind.Group, today, RelationshipSource.PoolMatch, null, null, null, fixture.Clock.GetUtcNow().UtcDateTime);
                db.Add(group);
                foreach (var e in enrolments)
                {
                    db.Add(new RelationshipMember(group.Id, e.UserId, e.Id, e.Role));
                }
            }
            return await db.SaveChangesAsync();
        });
        Assert.Equal(5, (await ListAsync(pair.Coordinator, pair.ProgramId)).Items.Count(c => c.Kind == ChannelKind.StudyGroup));
        var rows = new RowsRead();

        var listed = await UseCaseOver.RunAsync<ListChannels, Outcome<Paged<ChannelView>>>(fixture.Tandem.Services, rows,
            l => l.RunAsync(As(pair.School.Coordinator), pair.ProgramId, 1, 50));

        Assert.Equal(6, listed.Value!.TotalCount);
        Assert.Equal(0, rows.From("RelationshipMembers"));
        Assert.Equal(5, await fixture.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<DiscussionChannel>()
            .CountAsync(c => c.ProgramId == pair.ProgramId && c.Kind == ChannelKind.StudyGroup)));
    }

    [Fact]
    public async Task ARefusedOpenAChannelFormComesBackWithItsDescriptionAndChoiceAndAnUnreadableChoiceIsRefused()
    {
        var pair = await fixture.PairAsync();
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/programs/{pair.ProgramId}/discussions";

        var refused = await pages.SubmitAsync(path, "create", [new("name", new string('n', DiscussionChannel.NameMax + 1)), new("description", "For the robotics team"),
            new("kind", "Audience:Mentees")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var form = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync());
        Assert.Equal("For the robotics team", ((AngleSharp.Html.Dom.IHtmlInputElement)form.QuerySelector("#description")!).Value);
        Assert.Equal("Audience:Mentees", ((AngleSharp.Html.Dom.IHtmlSelectElement)form.QuerySelector("#kind")!).Value);

        // A choice the page cannot read opens nothing (ADR 81), rather than a channel for everyone.
        var unread = await pages.SubmitAsync(path, "create", [new("name", "Robotics"), new("kind", "Audience:Staff")]);
        Assert.Equal(HttpStatusCode.BadRequest, unread.StatusCode);
        Assert.Contains("Choose who is in the channel.", await unread.Content.ReadAsStringAsync());
        Assert.DoesNotContain((await ListAsync(pair.Coordinator, pair.ProgramId)).Items, c => c.Name == "Robotics");
    }

    [Fact]
    public async Task AMuteForALengthThePageCannotReadIsRefusedNotTakenAsADay()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var general = await GeneralAsync(mentee, pair.ProgramId);
        var thread = await PostAsync(mentee, pair.ProgramId, general.Id, "My post");
        var pages = await fixture.SignInPagesAsync(pair.School.Coordinator);

        var refused = await pages.SubmitAsync($"/programs/{pair.ProgramId}/discussions/{general.Id}", $"moderate-{thread.Id}",
            [new("action", "mute"), new("reason", "Cooling off"), new("hours", "a week")]);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Choose how long to mute the member for.", await refused.Content.ReadAsStringAsync());
        Assert.Empty(await LogAsync(pair));
        Assert.True((await GeneralAsync(mentee, pair.ProgramId)).CanPost);
    }
}
