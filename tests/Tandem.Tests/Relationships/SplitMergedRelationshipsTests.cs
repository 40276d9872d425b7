using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.DataRepairs;
using Tandem.Features.CheckIns;
using Tandem.Features.Engagement;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Matching;

namespace Tandem.Tests.Relationships;

/// <summary>
/// The migration repair of ADR 13: a mentor group that publishing formed before one-to-one was enforced is split into
/// one pair per mentee, and no meeting, check-in, fit-check answer or seat is lost or lands with the wrong mentee.
/// </summary>
public sealed class SplitMergedRelationshipsTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private sealed record Planted(Guid GroupId, Guid ProgramId, Guid Mentor, Guid Ann, Guid Ben, Guid Cat, Guid SeriesFirst, Guid AnnsMeeting, Guid CoordinatorsMeeting);

    [Fact]
    public async Task MigratingSplitsAMergedGroupIntoPairsKeepingEveryMeetingAndCheckInWithTheRightMentee()
    {
        var (program, planted) = await PlantMergedGroupAsync();

        await DatabaseSetup.MigrateAsync(factory.Services);

        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var relationships = await db.Set<Relationship>().Include(r => r.Members).Where(r => r.ProgramId == planted.ProgramId).ToListAsync();
            Assert.Equal(3, relationships.Count);
            Assert.All(relationships, r => Assert.Equal(RelationshipKind.Pair, r.Kind));
            Assert.All(relationships, r => Assert.Equal(RelationshipStatus.Active, r.Status));
            Relationship PairOf(Guid mentee) => relationships.Single(r => r.Members.Any(m => m.UserId == mentee));
            var (ann, ben, cat) = (PairOf(planted.Ann), PairOf(planted.Ben), PairOf(planted.Cat));
            Assert.Equal(planted.GroupId, ann.Id); // the mentee enrolled first keeps the group's row and links
            Assert.All(relationships, r => Assert.Equal(2, r.Members.Count));
            Assert.All(relationships, r => Assert.Contains(r.Members, m => m.UserId == planted.Mentor));

            // Each pair's reasons are its own mentee's, not the group's list.
            Assert.Contains("Music", ann.MatchExplanation);
            Assert.Contains("Games", ben.MatchExplanation);
            Assert.Contains("Sport", cat.MatchExplanation);
            Assert.All(relationships, r => Assert.DoesNotContain("\n", r.MatchExplanation));

            // Meetings: the mentor's series and the coordinator's meeting in every pair; Ann's meeting with Ann and Ben (who answered it).
            var meetings = await db.Set<Meeting>().Where(m => m.ProgramId == planted.ProgramId).ToListAsync();
            Assert.Equal(4 + 4 + 3, meetings.Count);
            Assert.Equal(4, meetings.Count(m => m.RelationshipId == ann.Id));
            Assert.Equal(4, meetings.Count(m => m.RelationshipId == ben.Id));
            Assert.Equal(3, meetings.Count(m => m.RelationshipId == cat.Id));
            Assert.DoesNotContain(meetings, m => m.RelationshipId == cat.Id && m.ProposedByUserId == planted.Ann);
            Assert.Equal(3, meetings.Count(m => m.ProposedByUserId == program.School.Coordinator.Id && m.Status == MeetingStatus.Proposed));
            var series = await db.Set<MeetingSeries>().Where(x => x.ProgramId == planted.ProgramId).ToListAsync();
            Assert.Equal(3, series.Count);
            Assert.All(meetings.Where(m => m.SeriesId is not null), m => Assert.Equal(m.RelationshipId, series.Single(x => x.Id == m.SeriesId).RelationshipId));
            Assert.All(relationships, r => Assert.Equal(2, meetings.Count(m => m.RelationshipId == r.Id && m.SeriesId is not null && m.Status == MeetingStatus.Accepted)));

            // Check-ins: each mentee's stay in their own pair; the mentor's follow their meeting.
            var checkIns = await db.Set<CheckIn>().Where(c => relationships.Select(r => r.Id).Contains(c.RelationshipId)).ToListAsync();
            string[] Topics(Relationship r) => checkIns.Where(c => c.RelationshipId == r.Id).Select(c => c.Topics).Order().ToArray();
            Assert.Equal(["Ann on the first meeting", "Mentor contact", "Mentor on Ann's meeting", "Mentor on the first meeting"], Topics(ann));
            Assert.Equal(["Ben on Ann's meeting", "Ben on the first meeting", "Mentor contact", "Mentor on Ann's meeting", "Mentor on the first meeting"], Topics(ben));
            Assert.Equal(["Mentor contact", "Mentor on the first meeting"], Topics(cat));
            Assert.All(checkIns.Where(c => c.MeetingId is not null), c => Assert.Equal(c.RelationshipId, meetings.Single(m => m.Id == c.MeetingId).RelationshipId));
            Assert.All(checkIns.Where(c => c.Topics.StartsWith("Ben")), c => Assert.Equal(planted.Ben, c.AuthorUserId));

            // Group answers to Ann's meeting: Ben's stays with Ben's copy; the mentor's is in both.
            var answers = await db.Set<MeetingAnswer>().ToListAsync();
            var meetingIds = meetings.ToDictionary(m => m.Id, m => m.RelationshipId);
            var planted3 = answers.Where(a => meetingIds.ContainsKey(a.MeetingId)).ToList();
            Assert.Equal(3, planted3.Count);
            Assert.Equal(ben.Id, meetingIds[planted3.Single(a => a.UserId == planted.Ben).MeetingId]);
            Assert.Equal([ann.Id, ben.Id], planted3.Where(a => a.UserId == planted.Mentor).Select(a => meetingIds[a.MeetingId]).Order());

            // Fit check: Ann's "no" flags her pair only; the mentor's "yes" is in every pair.
            var fit = await db.Set<FitCheckAnswer>().Where(a => relationships.Select(r => r.Id).Contains(a.RelationshipId)).ToListAsync();
            Assert.Equal(ann.Id, fit.Single(a => a.UserId == planted.Ann).RelationshipId);
            Assert.Equal(3, fit.Count(a => a.UserId == planted.Mentor));
            Assert.NotNull(ann.PoorFitFlaggedAt);
            Assert.Null(ben.PoorFitFlaggedAt);
            Assert.Null(cat.PoorFitFlaggedAt);

            // Capacity: the mentor's three seats, one per pair; each mentee's seat with their pair.
            var seats = await db.Set<RelationshipSeat>().Where(x => relationships.Select(r => r.Id).Contains(x.RelationshipId)).ToListAsync();
            Assert.Equal(6, seats.Count);
            Assert.All(relationships, r => Assert.Equal(2, seats.Count(x => x.RelationshipId == r.Id)));

            // A reminder already sent about the first meeting counts for each pair's copy.
            var firstMeetings = meetings.Where(m => m.StartsAt == meetings.Single(x => x.Id == planted.SeriesFirst).StartsAt).Select(m => m.Id).ToList();
            var keys = await db.Set<ReminderDispatch>().Where(d => d.UserId == planted.Mentor).Select(d => d.Key).ToListAsync();
            Assert.All(firstMeetings, id => Assert.Contains($"check-in:{id}:{planted.Mentor}", keys));
            return 0;
        });

        // Over HTTP, Cat reads only her pair: no other mentee's name, reasons or check-ins.
        var cat = await program.SignInAsync("Cat Mentee");
        var mine = await cat.GetStringAsync("/api/v1/relationships/mine");
        var catsPair = (await cat.GetFromJsonAsync<Paged<System.Text.Json.JsonElement>>("/api/v1/relationships/mine", Json.Options))!.Items.Single().GetProperty("id").GetGuid();
        var checkInsText = await cat.GetStringAsync($"/api/v1/relationships/{catsPair}/check-ins");
        foreach (var text in new[] { mine, checkInsText })
        {
            Assert.DoesNotContain("Ann Mentee", text);
            Assert.DoesNotContain("Ben", text);
            Assert.DoesNotContain("Music", text);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await cat.GetAsync($"/api/v1/relationships/{planted.GroupId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cat.GetAsync($"/api/v1/meetings/{planted.AnnsMeeting}")).StatusCode);

        // Idempotent: running it again finds nothing to split and changes nothing.
        var again = await factory.WithScopeAsync(s => s.GetRequiredService<SplitMergedRelationships>().RunAsync());
        Assert.Equal(0, again);
        Assert.Equal(11, await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Meeting>().CountAsync(m => m.ProgramId == planted.ProgramId)));
    }

    [Fact]
    public async Task GroupsOfAGroupMentoringProgramAreLeftAlone()
    {
        var program = await MatchingProgram.CreateAsync(factory, formats: ["Group", "InPerson"]);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music", "Games"], 5, [10], capacity: 2);
        await program.ApproveAsync("Ann Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        await program.ApproveAsync("Ben Mentee", "mentee", "Maths", ["Games"], 2, [10]);
        var draft = await program.RunAsync();
        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" })).EnsureSuccessStatusCode();

        await DatabaseSetup.MigrateAsync(factory.Services);

        var kinds = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Relationship>()
            .Where(r => r.ProgramId == program.Program.Id).Select(r => r.Kind).ToListAsync());
        Assert.Equal(RelationshipKind.Group, Assert.Single(kinds));
    }

    [Fact]
    public async Task AGroupMentoringProgramWithGroupsCannotBeMadeOneToOneSoTheNextMigrationSplitsNothing()
    {
        var program = await MatchingProgram.CreateAsync(factory, formats: ["Group", "InPerson"]);
        await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music", "Games"], 5, [10], capacity: 2);
        await program.ApproveAsync("Ann Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        await program.ApproveAsync("Ben Mentee", "mentee", "Maths", ["Games"], 2, [10]);
        var draft = await program.RunAsync();
        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn = "2027-02-01" })).EnsureSuccessStatusCode();
        var design = JsonSerializer.SerializeToNode(School.ValidProgram(program.School.Organisation.Id))!.AsObject();
        design["meetingFormats"] = new JsonArray("Group", "OneToOne", "InPerson");

        var edited = await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}", design);

        Assert.Equal(HttpStatusCode.Conflict, edited.StatusCode);
        Assert.Contains("mentor groups", await edited.Content.ReadAsStringAsync());
        await DatabaseSetup.MigrateAsync(factory.Services);
        var kinds = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<Relationship>()
            .Where(r => r.ProgramId == program.Program.Id).Select(r => r.Kind).ToListAsync());
        Assert.Equal(RelationshipKind.Group, Assert.Single(kinds));
        // Other edits of the group program go through.
        design["meetingFormats"] = new JsonArray("Group", "Online");
        Assert.Equal(HttpStatusCode.OK, (await program.Coordinator.PutAsJsonAsync($"/api/v1/programs/{program.Program.Id}", design)).StatusCode);
    }

    /// <summary>
    /// A group as publishing used to make it (mentor Maya, mentees Ann, Ben, Cat), with a meeting history, then the
    /// program made one-to-one: the state a database upgraded to this version is in.
    /// </summary>
    private async Task<(MatchingProgram Program, Planted Planted)> PlantMergedGroupAsync()
    {
        var program = await MatchingProgram.CreateAsync(factory, formats: ["Group", "InPerson"]);
        var maya = await program.ApproveAsync("Maya Mentor", "mentor", "Maths", ["Music", "Games", "Sport"], 5, [10], capacity: 3);
        var ann = await program.ApproveAsync("Ann Mentee", "mentee", "Maths", ["Music"], 2, [10]);
        var ben = await program.ApproveAsync("Ben Mentee", "mentee", "Maths", ["Games"], 2, [10]);
        var cat = await program.ApproveAsync("Cat Mentee", "mentee", "Maths", ["Sport"], 2, [10]);
        var draft = await program.RunAsync();
        var startsOn = factory.Today.AddDays(-60).ToString("yyyy-MM-dd");
        (await program.Coordinator.PostAsJsonAsync($"{program.Api}/drafts/{draft.Id}/publish", new { startsOn })).EnsureSuccessStatusCode();

        var planted = await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            var group = await db.Set<Relationship>().SingleAsync(r => r.ProgramId == program.Program.Id);
            Assert.Equal(RelationshipKind.Group, group.Kind);
            var now = factory.Clock.GetUtcNow().UtcDateTime;
            var (programId, mentor, coordinator) = (program.Program.Id, maya.User.Id, program.School.Coordinator.Id);
            Meeting Meeting(Guid by, DateTime at, Guid? seriesId, bool accept)
            {
                var meeting = new Meeting(group.Id, programId, by, at, 60, MeetingMode.InPerson, "Library", null, null, seriesId, at.AddDays(-7));
                if (accept)
                {
                    meeting.Accept(by == mentor ? ann.User.Id : mentor, at.AddDays(-6));
                }
                db.Add(meeting);
                return meeting;
            }
            var series = new MeetingSeries(group.Id, programId, mentor, now.AddDays(-30), "UTC", Cadence.Weekly, 2, 60, now.AddDays(-40));
            db.Add(series);
            var first = Meeting(mentor, now.AddDays(-30), series.Id, accept: true);
            Meeting(mentor, now.AddDays(7), series.Id, accept: true);
            var annsMeeting = Meeting(ann.User.Id, now.AddDays(-20), null, accept: true);
            var coordinatorsMeeting = Meeting(coordinator, now.AddDays(14), null, accept: false);
            db.Add(new MeetingAnswer(annsMeeting.Id, ben.User.Id, AttendanceAnswer.Coming, null, 0, now.AddDays(-21)));
            db.Add(new MeetingAnswer(annsMeeting.Id, mentor, AttendanceAnswer.Coming, null, 0, now.AddDays(-21)));
            void CheckIn(Guid author, Meeting? meeting, string topics) => db.Add(new CheckIn(group.Id, meeting?.Id, author, true,
                new CheckInLog(topics, null, null, null, 4), meeting?.StartsAt ?? now.AddDays(-10), now.AddDays(-9)));
            CheckIn(mentor, first, "Mentor on the first meeting");
            CheckIn(ann.User.Id, first, "Ann on the first meeting");
            CheckIn(ben.User.Id, first, "Ben on the first meeting");
            CheckIn(ben.User.Id, annsMeeting, "Ben on Ann's meeting");
            CheckIn(mentor, annsMeeting, "Mentor on Ann's meeting");
            CheckIn(mentor, null, "Mentor contact");
            db.Add(new FitCheckAnswer(group.Id, ann.User.Id, FitAnswer.No, "Too many of us", now.AddDays(-5)));
            db.Add(new FitCheckAnswer(group.Id, mentor, FitAnswer.Yes, null, now.AddDays(-5)));
            group.FlagPoorFit(now.AddDays(-5));
            db.Add(new ReminderDispatch($"check-in:{first.Id}:{mentor}", mentor, "test", now.AddDays(-29)));
            await db.SaveChangesAsync();
            return new Planted(group.Id, programId, mentor, ann.User.Id, ben.User.Id, cat.User.Id, first.Id, annsMeeting.Id, coordinatorsMeeting.Id);
        });

        // The program one-to-one, as every program that was not group mentoring always was (written to the database: the
        // editor now refuses to make a program with groups one-to-one).
        await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Programs.Where(p => p.Id == program.Program.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.MeetingFormats, MeetingFormats.OneToOne | MeetingFormats.InPerson)));
        return (program, planted);
    }
}
