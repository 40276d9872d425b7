using System.Net;
using System.Net.Http.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Accounts;
using Tandem.Features.CheckIns;
using Tandem.Features.Exports;
using Tandem.Features.Meetings;
using Tandem.Features.Programs;
using Tandem.Infrastructure.Auth;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using static Tandem.Tests.Exports.ExportTests;

namespace Tandem.Tests.Exports;

/// <summary>
/// One program with more rows than one batch of the streamed exports (ADR 123), seeded once for the class straight through
/// the DbContext: 2,500 more participants and 2,500 check-ins, with many equal sort keys (one name, two times) so that
/// every batch boundary falls among rows only the id tells apart, and 1,100 meetings of two pairs at one time.
/// </summary>
public sealed class StreamedExportFixture : PairFixture
{
    public const int Participants = 2500;
    public const int CheckInCount = 2500;
    public const int MeetingCount = 1100;

    private readonly SemaphoreSlim once = new(1, 1);
    private (Pair Pair, Guid SecondPairId)? seeded;

    public async Task<(Pair Pair, Guid SecondPairId)> SeededAsync()
    {
        await once.WaitAsync();
        try
        {
            return seeded ??= await SeedAsync();
        }
        finally
        {
            once.Release();
        }
    }

    private async Task<(Pair, Guid)> SeedAsync()
    {
        var pair = await PairAsync();
        var second = await pair.SecondPairAsync();
        // Another school's program, whose check-ins and meetings fall at the same times: the batches walk every program's rows in
        // time order (ADR 133) and must keep this program's only.
        var elsewhere = await PairAsync();
        var now = Clock.GetUtcNow().UtcDateTime;
        await WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            for (var i = 0; i < Participants; i++)
            {
                var email = $"same.{i:D4}.{Guid.NewGuid():N}@test.example";
                var user = new TandemUser
                {
                    Id = Guid.CreateVersion7(), UserName = email, Email = email, NormalizedEmail = email.ToUpperInvariant(), NormalizedUserName = email.ToUpperInvariant(),
                    DisplayName = "Sam Same", EmailConfirmed = true, CreatedAt = now,
                };
                db.Users.Add(user);
                db.Enrolments.Add(new Enrolment(pair.ProgramId, user.Id, i < 1500 ? ProgramRole.Mentee : ProgramRole.Mentor, now));
            }
            for (var i = 0; i < CheckInCount; i++)
            {
                // 1,300 at one time and 1,200 at another: the batches of 1,000 end at rows 1,000 and 2,000, inside each group.
                var at = now.AddDays(i < 1300 ? -10 : -5);
                db.Add(new CheckIn(pair.RelationshipId, null, i % 2 == 0 ? pair.Mentee.Id : pair.Mentor.Id, happened: true,
                    new CheckInLog($"Check-in {i:D4}", "Progress", null, null, i % 5 + 1), at, now));
            }
            for (var i = 0; i < 900; i++)
            {
                db.Add(new CheckIn(elsewhere.RelationshipId, null, elsewhere.Mentee.Id, happened: true,
                    new CheckInLog($"Elsewhere {i:D4}", "Progress", null, null, 3), now.AddDays(-10 + i % 3 * 2.5), now));
            }
            for (var i = 0; i < 300; i++)
            {
                db.Add(new Meeting(elsewhere.RelationshipId, elsewhere.ProgramId, elsewhere.Mentee.Id, now.AddDays(3), 30, MeetingMode.Online, null, null,
                    $"Elsewhere {i:D4}", null, now));
            }
            for (var i = 0; i < MeetingCount; i++)
            {
                db.Add(new Meeting(i % 2 == 0 ? pair.RelationshipId : second, pair.ProgramId, pair.Mentee.Id, now.AddDays(3), 30, MeetingMode.Online, null, null,
                    $"Meeting {i:D4}", null, now));
            }
            await db.SaveChangesAsync();
            return 0;
        });
        return (pair, second);
    }
}

/// <summary>
/// Exports of more rows than one batch come out whole, in their documented order, with no row twice across a batch boundary,
/// in CSV and XLSX (ADR 123); an XLSX export of more rows than <c>Exports:XlsxMaxRows</c> is refused before anything is written.
/// </summary>
public sealed class StreamedExportTests(StreamedExportFixture fixture) : IClassFixture<StreamedExportFixture>
{
    /// <summary>What the export's order is, asked of the database in one query (the order the exports had when they read every row at once).</summary>
    private Task<List<T>> InOneQueryAsync<T>(Func<TandemDb, Task<List<T>>> query) =>
        fixture.WithScopeAsync(s => query(s.GetRequiredService<TandemDb>()));

    [Fact]
    public async Task CheckInsOfMoreThanOneBatchAreExportedWholeInTheirOrderInCsvAndExcel()
    {
        var (pair, _) = await fixture.SeededAsync();
        var expected = await InOneQueryAsync(db => db.Set<CheckIn>().Where(c => c.RelationshipId == pair.RelationshipId)
            .OrderBy(c => c.OccurredAt).ThenBy(c => c.Id).Select(c => c.Topics).ToListAsync());
        Assert.Equal(StreamedExportFixture.CheckInCount, expected.Distinct().Count());

        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins"));
        Assert.Equal(["Relationship", "Author", "Occurred (UTC)", "Happened", "Rating (1-5)", "Topics", "Progress", "Challenges", "Next steps"], csv[0]);
        Assert.Equal(expected, csv.Skip(1).Select(r => r[5]));
        Assert.All(csv.Skip(1), r => Assert.Equal(pair.RelationshipId.ToString(), r[0]));
        Assert.Equal(["Menna Tee", "Mona Tor"], csv.Skip(1).Select(r => r[1]).Distinct().Order(StringComparer.Ordinal));

        var (sheet, rows, _) = await XlsxAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins?format=xlsx"));
        Assert.Equal("Check-ins", sheet);
        Assert.Equal(expected, rows.Skip(1).Select(r => r[5]));
        Assert.Equal(csv.Skip(1).Select(r => r[4]), rows.Skip(1).Select(r => r[4]));
        // The package as the SDK and Excel expect it: every part valid against the Open XML schemas.
        using var stream = new MemoryStream(await (await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins?format=xlsx")).Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        Assert.Empty(new OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}"));
    }

    [Fact]
    public async Task EachBatchOfCheckInsAndMeetingsIsARangeOfAnIndexInTheExportsOrderNotASortOfTheProgramsRows()
    {
        var (pair, _) = await fixture.SeededAsync();
        var plans = new QueryPlans(sql => sql.Contains("ORDER BY", StringComparison.Ordinal)
            && (sql.Contains("FROM \"CheckIns\"", StringComparison.Ordinal) || sql.Contains("FROM \"Meetings\"", StringComparison.Ordinal)));
        var coordinator = new Actor(pair.School.Coordinator.Id, IsAdministrator: false);
        foreach (var kind in new[] { ExportKind.CheckIns, ExportKind.Meetings })
        {
            var rows = await UseCaseOver.RunAsync<ExportProgramData, int>(fixture.App.Services, plans, async export =>
            {
                var table = (await export.RunAsync(coordinator, pair.ProgramId, kind, ExportFormat.Csv)).Value!;
                var read = 0;
                await foreach (var _ in table.Rows)
                {
                    read++;
                }
                return read;
            });
            Assert.Equal(kind == ExportKind.CheckIns ? StreamedExportFixture.CheckInCount : StreamedExportFixture.MeetingCount, rows);
        }

        var postgres = TestDatabase.Provider == DatabaseProvider.Postgres;
        // Check-ins: three batches, each read along IX_CheckIns_OccurredAt_Id from the last row written; no sort of the program's
        // check-ins (SQLite's temporary B-tree, PostgreSQL's Sort), which each batch made before.
        var checkIns = plans.Plans.Where(p => p.Sql.Contains("FROM \"CheckIns\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, checkIns.Count);
        Assert.All(checkIns, p =>
        {
            Assert.Contains(postgres ? "Index Scan using \"IX_CheckIns_OccurredAt_Id\"" : "USING INDEX IX_CheckIns_OccurredAt_Id", p.Plan);
            Assert.DoesNotContain(postgres ? "Sort" : "TEMP B-TREE", p.Plan);
        });
        Assert.All(checkIns.Skip(1), p => Assert.Contains(postgres ? "Index Cond: (\"OccurredAt\" >=" : "IX_CheckIns_OccurredAt_Id (OccurredAt>", p.Plan));
        // Meetings: two batches along IX_Meetings_ProgramId_StartsAt, the second starting at the last row's time (PostgreSQL
        // makes no range of the keyset's OR alone); only meetings at one time are sorted, by id.
        var meetings = plans.Plans.Where(p => p.Sql.Contains("FROM \"Meetings\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, meetings.Count);
        Assert.All(meetings, p => Assert.Contains("IX_Meetings_ProgramId_StartsAt", p.Plan));
        Assert.Contains(postgres ? "\"StartsAt\" >=" : "(ProgramId=? AND StartsAt>?)", meetings[1].Plan.Split('\n').Single(l => l.Contains(postgres ? "Index Cond" : "IX_Meetings")));
        if (postgres)
        {
            Assert.DoesNotContain(meetings.SelectMany(p => p.Plan.Split('\n')), l => l.TrimStart(' ', '-', '>').StartsWith("Sort  (", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ParticipantsOfMoreThanOneBatchWithOneNameAreExportedWholeByRoleNameAndId()
    {
        var (pair, _) = await fixture.SeededAsync();
        var roles = new[] { ProgramRole.Mentor, ProgramRole.Mentee, ProgramRole.Peer };
        var expected = await InOneQueryAsync(db => db.Enrolments.Where(e => e.ProgramId == pair.ProgramId && roles.Contains(e.Role))
            .OrderBy(e => e.Role).ThenBy(e => e.User!.DisplayName).ThenBy(e => e.Id).Select(e => e.User!.Email!).ToListAsync());
        // and the two pairs' three mentees and mentors, and the second pair's mentor
        Assert.Equal(StreamedExportFixture.Participants + 4, expected.Distinct().Count());

        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/participants"));
        Assert.Equal(expected, csv.Skip(1).Select(r => r[1]));
        // Mentees then mentors, as the roles are stored and ordered, whichever way a batch ends.
        Assert.Equal(["Mentee", "Mentor"], csv.Skip(1).Select(r => r[2]).Distinct());

        var (_, rows, _) = await XlsxAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/participants?format=xlsx"));
        Assert.Equal(csv.Select(r => r[..3]), rows.Select(r => r[..3]));
    }

    [Fact]
    public async Task MeetingsOfMoreThanOneBatchAtOneTimeCarryTheirOwnPairsPeopleInEveryBatch()
    {
        var (pair, second) = await fixture.SeededAsync();
        var expected = await InOneQueryAsync(db => db.Set<Meeting>().Where(m => m.ProgramId == pair.ProgramId)
            .OrderBy(m => m.StartsAt).ThenBy(m => m.Id).Select(m => new { m.Title, m.RelationshipId }).ToListAsync());
        Assert.Equal(StreamedExportFixture.MeetingCount, expected.Count);

        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/meetings"));
        Assert.Equal(expected.Select(m => m.Title), csv.Skip(1).Select(r => r[2]));
        var people = new Dictionary<string, string> { [pair.RelationshipId.ToString()] = "Menna Tee; Mona Tor", [second.ToString()] = "Max Second; Pat Other" };
        Assert.All(csv.Skip(1), r => Assert.Equal(people[r[0]], r[1]));

        var (_, rows, _) = await XlsxAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/meetings?format=xlsx"));
        Assert.Equal(csv.Skip(1).Select(r => r[..3]), rows.Skip(1).Select(r => r[..3]));
    }

    [Fact]
    public async Task AnExcelExportOfMoreRowsThanTheLimitIsRefusedWith413BeforeAnythingIsWrittenAndCsvStillDownloadsIt()
    {
        var (pair, _) = await fixture.SeededAsync();
        await using var limited = fixture.App.WithWebHostBuilder(b => b.UseSetting("Exports:XlsxMaxRows", "2000"));
        var coordinator = await limited.SignedInClientAsync(pair.School.Coordinator);
        var url = $"/api/v1/programs/{pair.ProgramId}/exports/check-ins";

        var refused = await coordinator.GetAsync($"{url}?format=xlsx");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        var problem = (await refused.Content.ReadFromJsonAsync<ProblemDetails>(Json.Options))!;
        Assert.Contains("2,500 rows", problem.Detail);
        Assert.Contains("format=csv", problem.Detail);
        Assert.Equal(StreamedExportFixture.CheckInCount + 1, (await CsvAsync(await coordinator.GetAsync(url))).Count);
        // Below the limit, XLSX is still given: the meetings (1,100 rows).
        var (_, meetings, _) = await XlsxAsync(await coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/meetings?format=xlsx"));
        Assert.Equal(StreamedExportFixture.MeetingCount + 1, meetings.Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1048576")]
    public async Task AnXlsxRowLimitBelowOneOrAboveWhatASheetHoldsStopsTheStartNamingIt(string value)
    {
        var error = new StringWriter();

        // A server that did start would never return: fail after a minute rather than hang the run.
        var run = TandemCli.RunAsync(
            [$"--Exports:XlsxMaxRows={value}", "--urls", "http://127.0.0.1:0", $"--Database:Provider={TestDatabase.Provider}",
                $"--ConnectionStrings:Tandem={TestDatabase.NewConnectionString()}"],
            new StringWriter(), error);
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(1))) == run, "The server started.");

        Assert.Equal(1, await run);
        Assert.Contains("XlsxMaxRows", error.ToString());
    }
}
