using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Concerns;
using Tandem.Features.Meetings;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Privacy;

/// <summary>Issue 16 item 4 (access and portability): a person downloads everything Tandem holds about them, and nothing that is someone else's.</summary>
public sealed class MyDataExportTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private static object CheckIn(Guid meetingId, string marker) => new
    {
        meetingId, happened = true, topics = $"topics {marker}", progress = $"progress {marker}", challenges = $"challenges {marker}", nextSteps = $"next {marker}", rating = 4,
    };

    [Fact]
    public async Task AMenteeDownloadsWhatTheyWroteButNotTheirMentorsCheckInsOrTheHandlersNotes()
    {
        var pair = await fixture.PairAsync();
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var checkIns = $"/api/v1/relationships/{pair.RelationshipId}/check-ins";
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync(checkIns, CheckIn(meetingId, "MENTEE-WROTE-7f3a"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync(checkIns, CheckIn(meetingId, "MENTOR-WROTE-91bc"))).StatusCode);
        var reported = await mentee.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns", new
        {
            category = "Conflict", subjectUserId = pair.Mentor.Id, relationshipId = pair.RelationshipId, description = "CONCERN-TEXT-5d21 we keep missing meetings",
        });
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var concern = (await reported.Content.ReadFromJsonAsync<MyConcernView>(Json.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await pair.Coordinator.PostAsJsonAsync($"/api/v1/programs/{pair.ProgramId}/concerns/{concern.Id}/acknowledge",
            new { note = "HANDLER-NOTE-c0de spoke to the mentor" })).StatusCode);

        // Training reflections (ADR 61): each person's own in their own file.
        var module = await Tandem.Tests.Training.TrainingTests.CreateAsync(pair.Coordinator, pair.ProgramId, Tandem.Tests.Training.TrainingTests.Module());
        foreach (var (client, words) in new[] { (mentee, "REFLECTION-MENTEE-b7e2"), (mentor, "REFLECTION-MENTOR-44aa") })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/training/modules/{module.Id}/reflections",
                new { scenarioId = module.Scenarios[0].Id, answer = words })).StatusCode);
        }

        var response = await mentee.GetAsync("/api/v1/me/data-export");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("tandem-my-data.json", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonNode.Parse(text)!;
        Assert.Equal(pair.Mentee.Email, (string?)document["account"]!["email"]);
        Assert.Contains("topics MENTEE-WROTE-7f3a", text);
        Assert.Contains("next MENTEE-WROTE-7f3a", text);
        Assert.Contains("CONCERN-TEXT-5d21", text);
        Assert.Equal("Conflict", (string?)document["concernsReported"]![0]!["category"]);
        var relationship = document["relationships"]![0]!;
        Assert.Equal(["Menna Tee", "Mona Tor"], relationship["members"]!.AsArray().Select(m => (string)m!["name"]!).Order());
        Assert.NotEmpty(document["meetings"]!.AsArray());
        Assert.NotEmpty(document["enrolments"]!.AsArray());
        Assert.Equal("REFLECTION-MENTEE-b7e2", (string?)document["training"]![0]!["reflections"]![0]!["reflection"]);

        // Someone else's words and staff notes stay out; so do secrets.
        Assert.DoesNotContain("MENTOR-WROTE-91bc", text);
        Assert.DoesNotContain("HANDLER-NOTE-c0de", text);
        Assert.DoesNotContain("REFLECTION-MENTOR-44aa", text);
        Assert.DoesNotContain("passwordHash", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("securityStamp", text, StringComparison.OrdinalIgnoreCase);

        // The mentor's own export has the mentor's words, not the mentee's concern.
        var theirs = await mentor.GetStringAsync("/api/v1/me/data-export");
        Assert.Contains("MENTOR-WROTE-91bc", theirs);
        Assert.DoesNotContain("MENTEE-WROTE-7f3a", theirs);
        Assert.DoesNotContain("CONCERN-TEXT-5d21", theirs);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.App.CreateClient().GetAsync("/api/v1/me/data-export")).StatusCode);
    }

    [Fact]
    public async Task TheDownloadHoldsTheirMeetingNotesAndTheGoalsAndItemsTheySetOrWereGivenButNotTheirPartnersWords()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        // The mentor proposes a meeting; the mentee proposes another time with a note, and answers another meeting with a note.
        var (proposed, answered) = await fixture.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var first = new Meeting(pair.RelationshipId, pair.ProgramId, pair.Mentor.Id, Now.AddDays(2), 60, MeetingMode.InPerson, "Library", null, "Reading", null, Now);
            var second = new Meeting(pair.RelationshipId, pair.ProgramId, pair.Mentor.Id, Now.AddDays(4), 60, MeetingMode.InPerson, "Library", null, "Spelling", null, Now);
            db.AddRange(first, second);
            db.Add(new MeetingAnswer(second.Id, pair.Mentee.Id, AttendanceAnswer.NotComing, "ANSWER-NOTE-3e1f my exam is that day", 0, Now));
            await db.SaveChangesAsync();
            return (first.Id, second.Id);
        });
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/meetings/{proposed}/response",
            new { response = "ProposeAnotherTime", startsAt = new DateTimeOffset(Now.AddDays(3)), note = "ANOTHER-TIME-9a0b after my appointment" })).StatusCode);
        // Goals: the mentee's own, and the mentor's with an item for each of them.
        var target = DateOnly.FromDateTime(Now).AddMonths(3);
        await Tandem.Tests.Goals.GoalTests.CreateGoalAsync(mentee, pair.RelationshipId, target, "MENTEE-GOAL-d4c2 read a whole series",
            new[] { new { title = "MENTEE-MILESTONE-61aa first book" } });
        var partners = await Tandem.Tests.Goals.GoalTests.CreateGoalAsync(mentor, pair.RelationshipId, target, "MENTOR-GOAL-0f0f keep a reading log");
        Assert.Equal(HttpStatusCode.Created, (await mentor.PostAsJsonAsync($"{Tandem.Tests.Goals.GoalTests.Goals(pair.RelationshipId)}/{partners.Id}/action-items",
            new { title = "GIVEN-ITEM-77b1 talk about it at home", notes = "GIVEN-NOTES-2c2c", assigneeUserId = pair.Mentee.Id })).StatusCode);
        await Tandem.Tests.Goals.GoalTests.AddItemAsync(mentor, pair.RelationshipId, partners.Id, "MENTOR-ITEM-5e5e bring the list", pair.Mentor.Id);

        var text = await mentee.GetStringAsync("/api/v1/me/data-export");

        var meetings = JsonNode.Parse(text)!["meetings"]!.AsArray();
        Assert.Equal("ANOTHER-TIME-9a0b after my appointment", (string?)meetings.Single(m => (Guid)m!["id"]! == proposed)!["myResponseNote"]);
        Assert.Equal("ANSWER-NOTE-3e1f my exam is that day", (string?)meetings.Single(m => (Guid)m!["id"]! == answered)!["myAnswer"]!["note"]);
        foreach (var theirs in new[] { "MENTEE-GOAL-d4c2", "MENTEE-MILESTONE-61aa", "GIVEN-ITEM-77b1", "GIVEN-NOTES-2c2c" })
        {
            Assert.Contains(theirs, text);
        }
        Assert.DoesNotContain("MENTOR-GOAL-0f0f", text);
        Assert.DoesNotContain("MENTOR-ITEM-5e5e", text);
        // The mentor's download has the mentor's goal, not the note the mentee sent.
        var mentors = await mentor.GetStringAsync("/api/v1/me/data-export");
        Assert.Contains("MENTOR-GOAL-0f0f", mentors);
        Assert.DoesNotContain("ANOTHER-TIME-9a0b", mentors);
        Assert.DoesNotContain("MENTEE-GOAL-d4c2", mentors);
    }
}

/// <summary>A minor's export holds their application with every answer, the guardian they named, and who opened it.</summary>
public sealed class MinorDataExportTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    [Fact]
    public async Task AMinorsExportHoldsTheirApplicationAndTheAccessLog()
    {
        var school = await MinorsSchool.CreateAsync(factory);
        await school.Recruiting.Coordinator.GetAsync($"{school.Recruiting.Applications}/{school.MinorApplication}");

        var document = JsonNode.Parse(await school.MinorClient.GetStringAsync("/api/v1/me/data-export"))!;

        var application = document["applications"]![0]!;
        Assert.Equal((14, "Pat Parent", "pat@example.org"), ((int?)application["age"], (string?)application["guardianName"], (string?)application["guardianEmail"]));
        var opened = document["whoOpenedMyRecord"]![0]!;
        Assert.Equal(("Cody Ordinator", "Reviewing an application"), ((string?)opened["readBy"], (string?)opened["purpose"]));

        // The same document from the command line, for a request made by letter; an unknown address is an error.
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.json");
        string[] database = [$"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={factory.ConnectionString}", "--Logging:LogLevel:Default=Warning"];
        var output = new StringWriter();
        Assert.Equal(0, await TandemCli.RunAsync(["privacy", "export", "--email", school.Minor.Email, "--output", file, "--reason", "Letter from the family", .. database], output, output));
        var written = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        Assert.Equal("Pat Parent", (string?)written["applications"]![0]!["guardianName"]);
        File.Delete(file);
        output = new StringWriter();
        Assert.Equal(1, await TandemCli.RunAsync(["privacy", "export", "--email", "nobody@example.org", "--reason", "Letter", .. database], output, output));
        Assert.Contains("No account uses nobody@example.org.", output.ToString());
    }

    [Fact]
    public async Task TheOperatorsExportNeedsAReasonAndIsInTheMinorsAccessLog()
    {
        var school = await MinorsSchool.CreateAsync(factory);
        string[] database = [$"--Database:Provider={TestDatabase.Provider}", $"--ConnectionStrings:Tandem={factory.ConnectionString}", "--Logging:LogLevel:Default=Warning"];
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.json");

        var refused = new StringWriter();
        Assert.Equal(2, await TandemCli.RunAsync(["privacy", "export", "--email", school.Minor.Email, "--output", file, .. database], refused, refused));
        Assert.Contains("Nothing was exported: say why with --reason", refused.ToString());
        Assert.False(File.Exists(file));
        var missing = new StringWriter();
        Assert.Equal(2, await TandemCli.RunAsync(["privacy", "export", "--email", school.Minor.Email, "--reason", "Letter",
            "--output", Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "x.json"), .. database], missing, missing));
        Assert.Contains("does not exist", missing.ToString());
        Assert.DoesNotContain("Unhandled exception", missing.ToString());

        var output = new StringWriter();
        Assert.Equal(0, await TandemCli.RunAsync(["privacy", "export", "--email", school.Minor.Email, "--output", file, "--reason", "Letter of 3 May from the family", .. database], output, output));
        File.Delete(file);

        var log = (await school.MinorClient.GetFromJsonAsync<Paged<MyAccessView>>("/api/v1/me/access-log", Json.Options))!.Items;
        var entry = Assert.Single(log, e => e.Record == AuditRecord.DataExport);
        Assert.Equal(("the installation's operator", "Operator: data export on request: Letter of 3 May from the family"), (entry.ReadBy, entry.Purpose));
    }
}
