using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Tandem.Data;
using Tandem.Features.Applications;
using Tandem.Features.CheckIns;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Features.Relationships;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Operations;

/// <summary>`tandem seed scale` with running pairs (issue 17, item 1), through the command line as an operator runs it.</summary>
public sealed class SeedScaleTests
{
    private static string[] Database(string connection) =>
        [$"--Database:Provider={TestDatabase.Provider}", "--Database:MigrateOnStartup=true", $"--ConnectionStrings:Tandem={connection}", "--Logging:LogLevel:Default=Warning"];

    [Theory]
    [InlineData("--relationships", "5", "Pairs need mentors", "--mentors", "0")]
    [InlineData("--relationships", "11", "--relationships is between 0 and the number of mentees (10)", "--mentors", "3")]
    [InlineData("--relationships", "-1", "--relationships is between 0 and the number of mentees (10)", "--mentors", "3")]
    [InlineData("--check-ins-per-pair", "101", "--check-ins-per-pair is between 0 and 100.", "--relationships", "5")]
    [InlineData("--check-ins-per-pair", "3", "Check-ins belong to pairs: ask for some with --relationships.", "--mentors", "3")]
    public async Task SeedScaleRefusesPairsAndCheckInsItCannotMake(string option, string value, string message, string other, string otherValue)
    {
        var output = new StringWriter();
        string[] args = other == "--mentors"
            ? ["seed", "scale", "--mentees", "10", "--mentors", otherValue, option, value]
            : ["seed", "scale", "--mentees", "10", "--mentors", "3", other, otherValue, option, value];

        var exit = await TandemCli.RunAsync([.. args, .. Database(TestDatabase.NewConnectionString())], output, output);

        Assert.Equal(2, exit);
        Assert.Contains(message, output.ToString());
    }

    [Fact]
    public async Task OutsideDevelopmentSeedScaleAddsNothingToADatabaseWithAccountsUnlessToldToGoIn()
    {
        var connection = TestDatabase.NewConnectionString();
        string[] production = ["--environment=Production", .. Database(connection)];
        var first = new StringWriter();
        Assert.True(await TandemCli.RunAsync(["users", "add-administrator", "--email", "it@school.example", .. production], first, first) == 0, first.ToString());
        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        await using var db = new TandemDb(options.Options);
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await TandemCli.RunAsync(["seed", "scale", "--mentees", "4", "--mentors", "2", .. production], output, error);

        Assert.Equal(1, exit);
        Assert.Contains("Nothing was added: this Production installation already has accounts", error.ToString());
        Assert.Contains("--into-existing-installation", error.ToString());
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.False(await db.Programs.AnyAsync());

        output = new StringWriter();
        exit = await TandemCli.RunAsync(["seed", "scale", "--mentees", "4", "--mentors", "2", "--into-existing-installation", .. production], output, output);
        Assert.True(exit == 0, output.ToString());
        Assert.True(await db.Programs.AnyAsync());
    }

    [Fact]
    public async Task SeedScaleMakesRunningPairsWithMeetingsAndCheckInsSpreadOverTheMonthsSinceTheStart()
    {
        var connection = TestDatabase.NewMigratedConnectionString();
        var output = new StringWriter();

        var exit = await TandemCli.RunAsync(["seed", "scale", "--mentees", "30", "--mentors", "7", "--relationships", "25", "--check-ins-per-pair", "4", .. Database(connection)], output, output);

        var text = output.ToString();
        Assert.True(exit == 0, text);
        Assert.Contains("A running program with 30 mentees, 7 mentors, 25 pairs and 100 check-ins is ready. Sign in with:", text);
        Assert.Matches(@"Coordinator\s+coordinator-[0-9a-f]{6}@scale\.example\s+\S{16,}", text);
        Assert.Matches(@"Mentee\s+mentee-0-[0-9a-f]{6}@scale\.example\s+\S{16,}", text);
        Assert.Matches(@"Mentor\s+mentor-30-[0-9a-f]{6}@scale\.example\s+\S{16,}", text);
        var programId = Guid.Parse(Regex.Match(text, @"Program\s+([0-9a-f-]{36})").Groups[1].Value);

        var options = new DbContextOptionsBuilder<TandemDb>();
        DatabaseSetup.Configure(options, TestDatabase.Provider, connection);
        await using var db = new TandemDb(options.Options);
        var program = await db.Programs.SingleAsync(p => p.Id == programId);
        Assert.Equal(ProgramStatus.Running, program.Status);
        Assert.True(program.StartsOn < DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(-5));

        var relationships = await db.Set<Relationship>().Where(r => r.ProgramId == programId).Include(r => r.Members).ToListAsync();
        Assert.Equal(25, relationships.Count);
        Assert.All(relationships, r =>
        {
            Assert.Equal(RelationshipStatus.Active, r.Status);
            Assert.Equal(program.StartsOn, r.StartsOn);
            Assert.Equal(new[] { ProgramRole.Mentee, ProgramRole.Mentor }.Order(), r.Members.Select(m => m.Role).Order());
        });
        var ids = relationships.Select(r => r.Id).ToList();
        Assert.Equal(50, await db.Set<RelationshipSeat>().CountAsync(s => ids.Contains(s.RelationshipId)));
        // 25 pairs over 7 mentors: four mentors have four mentees, three have three; each mentor's capacity holds them.
        var perMentor = relationships.Select(r => r.Members.Single(m => m.Role == ProgramRole.Mentor).UserId).GroupBy(u => u).Select(g => g.Count()).Order().ToList();
        Assert.Equal([3, 3, 3, 4, 4, 4, 4], perMentor);
        var capacities = await db.Set<Application>().Where(a => a.ProgramId == programId && a.Role == ProgramRole.Mentor).Select(a => a.MentorCapacity).ToListAsync();
        Assert.All(capacities, c => Assert.InRange(c!.Value, 3, 4));

        var checkIns = await db.Set<CheckIn>().Where(c => ids.Contains(c.RelationshipId)).ToListAsync();
        Assert.Equal(100, checkIns.Count);
        Assert.Equal(50, checkIns.Count(c => c.MeetingId is not null));
        var now = DateTime.UtcNow;
        var start = program.StartsOn!.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        Assert.All(checkIns, c => Assert.InRange(c.OccurredAt, start, now));
        // Spread over the months: every pair has check-ins in the first and in the second half of its time so far.
        var middle = start + (now - start) / 2;
        Assert.All(checkIns.GroupBy(c => c.RelationshipId), g => Assert.Contains(g, c => c.OccurredAt < middle));
        Assert.True(checkIns.GroupBy(c => c.RelationshipId).Count(g => g.Any(c => c.OccurredAt > middle)) >= 20);

        var meetings = await db.Set<Meeting>().Where(m => m.ProgramId == programId).ToListAsync();
        Assert.All(meetings, m => Assert.Equal(MeetingStatus.Accepted, m.Status));
        // Two past meetings a pair, and one ahead for every pair that did not fall quiet (pairs 10 and 20 did).
        Assert.Equal(50, meetings.Count(m => m.StartsAt < now));
        Assert.Equal(23, meetings.Count(m => m.StartsAt > now));

        // Written by bulk copy (ADR 135), the rows read as the app's own: the program counts its 37 participants, and each
        // meeting and check-in is found again by the instant read from it, as keyset pages and exports look them up
        // (SQLite compares instants as text; the meetings ahead start on the hour).
        Assert.Equal(37, program.ParticipantCount);
        foreach (var meeting in meetings)
        {
            Assert.Contains(meeting.Id, await db.Set<Meeting>().Where(m => m.StartsAt == meeting.StartsAt && m.ProgramId == programId).Select(m => m.Id).ToListAsync());
        }
        foreach (var checkIn in checkIns)
        {
            Assert.Contains(checkIn.Id, await db.Set<CheckIn>().Where(c => c.OccurredAt == checkIn.OccurredAt && c.CreatedAt == checkIn.CreatedAt).Select(c => c.Id).ToListAsync());
        }
    }
}
