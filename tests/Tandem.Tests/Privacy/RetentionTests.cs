using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Infrastructure.Paging;
using Tandem.Features.Accounts;
using Tandem.Features.Exports;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>
/// Issue 16 item 5 (retention, ADR 49): a closed program's personal data is anonymised once it has been closed longer than
/// its organisation keeps it, by one node of two, and the organisation can read what was done; ended sessions and dead
/// account links are pruned; the setting is checked and only the organisation's coordinators change it.
/// </summary>
[RunsLong(25)]
public sealed class RetentionTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private static Task<RetentionPass> PassAsync(PairFixture app) =>
        app.WithScopeAsync(s => s.GetRequiredService<ApplyRetention>().RunAsync());

    [Fact]
    public async Task AClosedProgramsWordsAreAnonymisedOnceItsRetentionHasPassedByOneNodeAndLogged()
    {
        var app = await fixture.WithOwnClockAsync();
        try
        {
            await AClosedProgramsWordsAreAnonymisedOnceItsRetentionHasPassedByOneNodeAndLoggedAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task AClosedProgramsWordsAreAnonymisedOnceItsRetentionHasPassedByOneNodeAndLoggedAsync(PairFixture app)
    {
        var marker = $"RTN{Guid.NewGuid():N}"[..12];
        var pair = await app.PairAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var mentee = await app.SignInAsync(pair.Mentee);
        var meetingId = await pair.MeetingAsync(now.AddHours(-2));
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new
        {
            meetingId, happened = true, topics = $"topics {marker}", progress = $"progress {marker}", challenges = $"challenges {marker}", nextSteps = $"next {marker}", rating = 4,
        })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns", new
        {
            category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = $"concern {marker}",
        })).StatusCode);
        Assert.True((await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/suggestions", new { text = $"suggestion {marker}", anonymous = false })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/conversation/messages", new { body = $"message {marker}" })).StatusCode);

        // A journal entry answering the program's prompt, and a free one the program has nothing to do with (ADR 56).
        var coordinator = await app.SignInAsync(pair.School.Coordinator);
        var prompt = await coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/journal-prompts", new { text = "What surprised you?" });
        var promptId = (await prompt.Content.ReadFromJsonAsync<Tandem.Features.Journal.JournalPromptView>(Json.Options))!.Id;
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync("/api/v1/me/journal", new { body = $"journal {marker}", promptId })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync("/api/v1/me/journal", new { body = "A free entry, mine to keep" })).StatusCode);

        // Kudos to the mentor and a badge awarded by hand with a reason (ADR 63).
        Assert.Equal(HttpStatusCode.Created, (await mentee.PostAsJsonAsync("/api/v1/kudos", new { programId = pair.ProgramId, recipientUserId = pair.Mentor.Id, message = $"kudos {marker}" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/badges",
            new { userId = pair.Mentee.Id, badge = "special-recognition", reason = $"reason {marker}" })).StatusCode);

        // A reflection on a training role-play (ADR 61).
        var module = await Tandem.Tests.Training.TrainingTests.CreateAsync(coordinator, pair.ProgramId, Tandem.Tests.Training.TrainingTests.Module());
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
            new { scenarioId = module.Scenarios[0].Id, answer = $"reflection {marker}" })).StatusCode);

        // The school keeps closed programs' data for a year; the program closes now.
        var retention = $"/api/v1/organisations/{pair.School.Organisation.Id}/retention";
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(retention, new { closedProgramMonths = 12 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" })).StatusCode);
        var before = await MarkerScan.WhereIsAsync(app, marker);
        Assert.Contains("CheckIns.Topics", before);
        Assert.Contains("Messages.Body", before);
        Assert.Contains("JournalEntries.Body", before);
        Assert.Contains("Kudos.Message", before);
        Assert.Contains("BadgeAwards.Reason", before);
        Assert.Contains("TrainingCompletions.ReflectionsJson", before);

        // Eleven months on, nothing is touched.
        app.Clock.Advance(TimeSpan.FromDays(335));
        Assert.DoesNotContain((await PassAsync(app)).Programs, p => p.ProgramId == pair.ProgramId);
        Assert.Equal(1, await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.CheckIns.CheckIn>()
            .CountAsync(c => c.RelationshipId == pair.RelationshipId && c.Topics.Contains(marker))));

        // A year and a day on, two nodes run the pass at once: exactly one anonymises the program.
        app.Clock.Advance(TimeSpan.FromDays(31));
        var passes = await Task.WhenAll(PassAsync(app), PassAsync(app));
        Assert.Single(passes.SelectMany(p => p.Programs), p => p.ProgramId == pair.ProgramId);
        Assert.Empty(await MarkerScan.WhereIsAsync(app, marker));
        // The counts stay: the check-in is still there, the pair still listed.
        Assert.Equal(1, await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.CheckIns.CheckIn>().CountAsync(c => c.RelationshipId == pair.RelationshipId)));

        // What was done is on record for the organisation, on the API and the page (signed in afresh: a year has passed).
        coordinator = await app.SignInAsync(pair.School.Coordinator);
        using var runs = JsonDocument.Parse(await coordinator.GetStringAsync($"{retention}/runs"));
        var run = Assert.Single(runs.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(pair.ProgramId, run.GetProperty("programId").GetGuid());
        Assert.Equal(12, run.GetProperty("keptMonths").GetInt32());
        Assert.Equal(1, run.GetProperty("rows").GetProperty("checkIns").GetInt32());
        Assert.Equal(1, run.GetProperty("rows").GetProperty("messages").GetInt32());
        Assert.Equal(1, run.GetProperty("rows").GetProperty("journalEntries").GetInt32());
        Assert.Equal(["A free entry, mine to keep"], (await (await app.SignInAsync(pair.Mentee)).GetFromJsonAsync<Paged<Tandem.Features.Journal.JournalEntryView>>("/api/v1/me/journal", Json.Options))!.Items.Select(e => e.Body));
        var page = await (await app.SignInPagesAsync(pair.School.Coordinator)).Http.GetStringAsync($"/organisations/{pair.School.Organisation.Id}/retention");
        Assert.Contains("Reading Buddies", page);
        Assert.Contains("checkIns: 1", page);
        // A later pass does not do it again.
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain((await PassAsync(app)).Programs, p => p.ProgramId == pair.ProgramId);
    }

    [Fact]
    public async Task RetentionOverwritesGoalsTheLedgersCopiesOfMeetingTitlesAndTheDraftsComparisons()
    {
        var app = await fixture.WithOwnClockAsync();
        try
        {
            await RetentionOverwritesGoalsTheLedgersCopiesOfMeetingTitlesAndTheDraftsComparisonsAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task RetentionOverwritesGoalsTheLedgersCopiesOfMeetingTitlesAndTheDraftsComparisonsAsync(PairFixture app)
    {
        var marker = $"RTG{Guid.NewGuid():N}"[..12];
        var pair = await app.PairAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var mentee = await app.SignInAsync(pair.Mentee);
        var mentor = await app.SignInAsync(pair.Mentor);
        // A minor's goal board: relationships outlive retention, so their goals' words must not.
        var goal = await Tandem.Tests.Goals.GoalTests.CreateGoalAsync(mentor, pair.RelationshipId, DateOnly.FromDateTime(now).AddMonths(3), $"outcome {marker}",
            new[] { new { title = $"milestone {marker}" } });
        Assert.Equal(HttpStatusCode.Created, (await mentor.PostAsJsonAsync($"{Tandem.Tests.Goals.GoalTests.Goals(pair.RelationshipId)}/{goal.Id}/action-items",
            new { title = $"Talk about my anxiety at home {marker}", notes = $"notes {marker}", assigneeUserId = pair.Mentee.Id })).StatusCode);
        // A held meeting's title, copied into both members' service-hours lines; a draft's comparison naming the mentee.
        await app.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var meeting = new Tandem.Features.Meetings.Meeting(pair.RelationshipId, pair.ProgramId, pair.Mentee.Id, now.AddHours(-2), 30,
                Tandem.Features.Meetings.MeetingMode.InPerson, "Library", null, $"title {marker}", null, now);
            Assert.True(meeting.Accept(pair.Mentor.Id, now));
            db.Add(meeting);
            var draft = new Tandem.Features.Matching.MatchDraft(pair.ProgramId, 2, null, [], 2, pair.School.Coordinator.Id, now);
            draft.Record(1, 0, 10, 0, 10, false, new Tandem.Features.Matching.DraftComparison(1, 0, 1, 0, 0,
            [
                new(new Tandem.Features.Matching.PersonRef(Guid.NewGuid(), pair.Mentee.Id, $"Menna {marker}", Tandem.Features.Programs.ProgramRole.Mentee),
                    Tandem.Features.Matching.DraftChange.Changed, ["Someone"], ["Mona Tor"]),
            ]));
            db.Add(draft);
            await db.SaveChangesAsync();
            return await s.GetRequiredService<Tandem.Features.Recognition.ServiceHours>().ProposeAsync(
                new[] { pair.Mentee.Id, pair.Mentor.Id }.Select(u => new Tandem.Features.Recognition.ServiceHourProposal(pair.ProgramId, u,
                    Tandem.Features.Recognition.ServiceHourSource.Meeting, meeting.Id, now.AddHours(-2), 30, $"Meeting held: title {marker}")).ToList(), default);
        });
        var coordinator = await app.SignInAsync(pair.School.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/retention", new { closedProgramMonths = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" })).StatusCode);
        Assert.Equal(["ActionItems.Notes", "ActionItems.Title", "GoalMilestones.Title", "Goals.Outcome", "MatchDrafts.ComparisonJson", "Meetings.Title", "ServiceHourEntries.Description"],
            (await MarkerScan.WhereIsAsync(app, marker)).Order());

        app.Clock.Advance(TimeSpan.FromDays(62));
        Assert.Single((await PassAsync(app)).Programs, p => p.ProgramId == pair.ProgramId);

        Assert.Empty(await MarkerScan.WhereIsAsync(app, marker));
        // The lines and their minutes stay, saying only what they were for; the goal keeps its status for the figures.
        var lines = await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Recognition.ServiceHourEntry>()
            .Where(e => e.ProgramId == pair.ProgramId).Select(e => new { e.Description, e.Minutes }).ToListAsync());
        Assert.Equal([("Meeting held", 30), ("Meeting held", 30)], lines.Select(l => (l.Description, l.Minutes)));
        Assert.Equal(1, await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Goals.Goal>().CountAsync(g => g.RelationshipId == pair.RelationshipId)));
    }

    [Fact]
    public async Task RetentionEndsTheClosedProgramsOpenPairsSoNothingIsWrittenAfterItAndClearsTheProgramsNotices()
    {
        var app = await fixture.WithOwnClockAsync();
        try
        {
            await RetentionEndsTheClosedProgramsOpenPairsSoNothingIsWrittenAfterItAndClearsTheProgramsNoticesAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task RetentionEndsTheClosedProgramsOpenPairsSoNothingIsWrittenAfterItAndClearsTheProgramsNoticesAsync(PairFixture app)
    {
        var pair = await app.PairAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        // A notice the program sent the mentee, and one that belongs to no program.
        var (programNotice, accountNotice) = await app.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var forProgram = new Tandem.Features.Notifications.Notification(pair.Mentee.Id, Tandem.Features.Notifications.NotificationKind.Announcements,
                Tandem.Features.Notifications.NotificationChoice.InApp, "Reading Buddies: Mona Tor wants to meet", "About your reading", null, now).For(pair.ProgramId);
            var forAccount = new Tandem.Features.Notifications.Notification(pair.Mentee.Id, Tandem.Features.Notifications.NotificationKind.Announcements,
                Tandem.Features.Notifications.NotificationChoice.InApp, "Your account", "A new sign-in", null, now);
            db.AddRange(forProgram, forAccount);
            await db.SaveChangesAsync();
            return (forProgram.Id, forAccount.Id);
        });
        var coordinator = await app.SignInAsync(pair.School.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync($"/api/v1/organisations/{pair.School.Organisation.Id}/retention", new { closedProgramMonths = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/status", new { status = "Closed" })).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(62));
        var run = Assert.Single((await PassAsync(app)).Programs, p => p.ProgramId == pair.ProgramId);
        Assert.Contains("\"relationshipsEnded\":1", run.RowsJson);

        // The pair shows ended; a message or a check-in written now is refused, so nothing outlives the run.
        var mentee = await app.SignInAsync(pair.Mentee);
        var relationship = await mentee.GetFromJsonAsync<JsonElement>($"/api/v1/relationships/mine/{pair.RelationshipId}");
        Assert.Equal("Completed", relationship.GetProperty("status").GetString());
        var message = await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/conversation/messages", new { body = "Still here a year on" });
        Assert.Equal(HttpStatusCode.Conflict, message.StatusCode);
        var checkIn = await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new { happened = true, topics = "Still meeting", rating = 4 });
        Assert.Equal(HttpStatusCode.Conflict, checkIn.StatusCode);
        Assert.Contains("has ended", await checkIn.Content.ReadAsStringAsync());
        var ended = await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Relationships.Relationship>()
            .Where(r => r.ProgramId == pair.ProgramId).Select(r => new { r.Status, r.EndedAt }).ToListAsync());
        Assert.All(ended, r => Assert.NotEqual(Tandem.Features.Relationships.RelationshipStatus.Active, r.Status));
        Assert.Contains(ended, r => r.EndedAt == run.At);
        Assert.Equal(0, await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Relationships.RelationshipSeat>()
            .CountAsync(x => x.RelationshipId == pair.RelationshipId)));

        // The program's notice is gone; the account's stays.
        var notices = await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Tandem.Features.Notifications.Notification>()
            .Where(n => n.Id == programNotice || n.Id == accountNotice).Select(n => n.Id).ToListAsync());
        Assert.Equal([accountNotice], notices);
    }

    [Fact]
    public async Task SessionsUnusedForLongerThanTheCookieLivesAreDeletedThirtyDaysLater()
    {
        var app = await fixture.WithOwnClockAsync();
        try
        {
            var user = await app.Tandem.CreateUserAsync("Una Used");
            var start = app.Clock.GetUtcNow().UtcDateTime;
            var (abandoned, seenLately) = await app.WithScopeAsync(async s =>
            {
                var db = s.GetRequiredService<TandemDb>();
                // Signed in and never used again; signed in the same day but still used last week; signed in 40 days on.
                var abandoned = new UserSession(user.Id, start, "old laptop");
                var seenLately = new UserSession(user.Id, start, "phone");
                seenLately.Seen(start.AddDays(40));
                db.AddRange(abandoned, seenLately);
                await db.SaveChangesAsync();
                return (abandoned.Id, seenLately.Id);
            });
            app.Clock.Advance(TimeSpan.FromDays(40));
            var recent = await app.WithScopeAsync(async s =>
            {
                var db = s.GetRequiredService<TandemDb>();
                var session = new UserSession(user.Id, app.Clock.GetUtcNow().UtcDateTime, "tablet");
                db.Add(session);
                await db.SaveChangesAsync();
                return session.Id;
            });
            app.Clock.Advance(TimeSpan.FromDays(5));

            // 45 days on: the abandoned session's cookie died after 14 days, 31 days ago; the others were used within 14 + 30 days.
            await PassAsync(app);

            var left = await app.WithScopeAsync(s => s.GetRequiredService<TandemDb>().UserSessions.Where(x => x.UserId == user.Id).Select(x => x.Id).ToListAsync());
            Assert.Equal(new[] { seenLately, recent }.Order(), left.Order());
            Assert.DoesNotContain(abandoned, left);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task AProgramIsNotAnonymisedWhileItCanStillBeReopened()
    {
        var app = await fixture.WithOwnClockAsync();
        try
        {
            await AProgramIsNotAnonymisedWhileItCanStillBeReopenedAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task AProgramIsNotAnonymisedWhileItCanStillBeReopenedAsync(PairFixture app)
    {
        var pair = await app.PairAsync();
        var coordinator = await app.SignInAsync(pair.School.Coordinator);
        var program = $"/api/v1/programs/{pair.ProgramId}";
        var status = (await coordinator.GetFromJsonAsync<JsonElement>(program)).GetProperty("status").GetString();
        // The shortest retention, a month, closed on 1 February: the month is over on 1 March, the 30 days' reopening on 3 March.
        var retention = $"/api/v1/organisations/{pair.School.Organisation.Id}/retention";
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync(retention, new { closedProgramMonths = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"{program}/status", new { status = "Closed" })).StatusCode);

        app.Clock.Advance(TimeSpan.FromDays(29));
        Assert.DoesNotContain((await PassAsync(app)).Programs, p => p.ProgramId == pair.ProgramId);
        coordinator = await app.SignInAsync(pair.School.Coordinator);
        using var runs = JsonDocument.Parse(await coordinator.GetStringAsync($"{retention}/runs"));
        Assert.Empty(runs.RootElement.GetProperty("items").EnumerateArray());
        // The coordinator can still reopen it, as it was.
        var reopened = await coordinator.PostAsJsonAsync($"{program}/status", new { status });
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal(status, (await reopened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task EndedSessionsAndDeadAccountLinksArePrunedAfterThirtyDays()
    {
        var app = await fixture.WithOwnClockAsync();
        try
        {
            await EndedSessionsAndDeadAccountLinksArePrunedAfterThirtyDaysAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task EndedSessionsAndDeadAccountLinksArePrunedAfterThirtyDaysAsync(PairFixture app)
    {
        var user = await app.Tandem.CreateUserAsync("Sam Session");
        var start = app.Clock.GetUtcNow().UtcDateTime;
        var (ended, open, deadLink) = await app.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var ended = new UserSession(user.Id, start, "old browser");
            ended.Revoke(start);
            var open = new UserSession(user.Id, start, "phone");
            var (_, deadLink) = AccountToken.Issue(user.Id, AccountTokenPurpose.PasswordReset, start, TimeSpan.FromHours(1));
            db.AddRange(ended, open, deadLink);
            await db.SaveChangesAsync();
            return (ended.Id, open.Id, deadLink.Id);
        });
        app.Clock.Advance(TimeSpan.FromDays(31));
        var liveLink = await app.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var (_, live) = AccountToken.Issue(user.Id, AccountTokenPurpose.PasswordReset, app.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(1));
            db.Add(live);
            await db.SaveChangesAsync();
            return live.Id;
        });

        var pass = await PassAsync(app);

        Assert.True(pass.Sessions >= 1 && pass.AccountTokens >= 1);
        var left = await app.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            return (await db.UserSessions.Where(x => x.UserId == user.Id).Select(x => x.Id).ToListAsync(),
                await db.Set<AccountToken>().Where(x => x.UserId == user.Id).Select(x => x.Id).ToListAsync());
        });
        Assert.Equal([open], left.Item1);
        Assert.Equal([liveLink], left.Item2);
        Assert.DoesNotContain(ended, left.Item1);
        Assert.DoesNotContain(deadLink, left.Item2);
    }

    [Fact]
    public async Task OnlyTheOrganisationsCoordinatorsSetRetentionAndBadValuesAreRefusedInWords()
    {
        var pair = await fixture.PairAsync();
        var retention = $"/api/v1/organisations/{pair.School.Organisation.Id}/retention";
        var view = await pair.Coordinator.GetFromJsonAsync<JsonElement>(retention);
        Assert.Equal(24, view.GetProperty("closedProgramMonths").GetInt32());
        Assert.True(view.GetProperty("isDefault").GetBoolean());

        foreach (var bad in new object[] { new { closedProgramMonths = 0 }, new { closedProgramMonths = 121 }, new { closedProgramMonths = (int?)null } })
        {
            var refused = await pair.Coordinator.PutAsJsonAsync(retention, bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("from 1 to 120", await refused.Content.ReadAsStringAsync());
        }
        var notANumber = await pair.Coordinator.PutAsync(retention, new StringContent("{\"closedProgramMonths\":\"two years\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
        Assert.Equal("application/problem+json", notANumber.Content.Headers.ContentType?.MediaType);

        var member = await fixture.SignInAsync(pair.Mentee);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PutAsJsonAsync(retention, new { closedProgramMonths = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"{retention}/runs")).StatusCode);
        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(retention)).StatusCode);

        // The page: a value out of range is a message on the form, not an error page; a good one is saved.
        var page = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var path = $"/organisations/{pair.School.Organisation.Id}/retention";
        var refusedForm = await page.SubmitAsync(path, "retention", [new("Input.ClosedProgramMonths", "0")]);
        Assert.Equal(HttpStatusCode.BadRequest, refusedForm.StatusCode);
        Assert.Contains("from 1 to 120", await refusedForm.Content.ReadAsStringAsync());
        var saved = await page.SubmitAsync(path, "retention", [new("Input.ClosedProgramMonths", "36")]);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Contains("kept for 36 months", await saved.Content.ReadAsStringAsync());
        Assert.Equal(36, (await pair.Coordinator.GetFromJsonAsync<JsonElement>(retention)).GetProperty("closedProgramMonths").GetInt32());

        // A value that is no number is named and changes nothing (it used to reach the handler as "not given", ADR 81).
        var unreadable = await page.SubmitAsync(path, "retention", [new("Input.ClosedProgramMonths", "two years")]);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.Contains("Closed program months: “two years” is not a valid value.", System.Net.WebUtility.HtmlDecode(await unreadable.Content.ReadAsStringAsync()));
        Assert.Equal(36, (await pair.Coordinator.GetFromJsonAsync<JsonElement>(retention)).GetProperty("closedProgramMonths").GetInt32());
    }
}
