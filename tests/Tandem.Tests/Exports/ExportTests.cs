using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Tandem.Features.Privacy;
using Tandem.Infrastructure.Paging;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;
using Tandem.Tests.Privacy;

namespace Tandem.Tests.Exports;

/// <summary>A coordinator downloads a program's data as CSV and XLSX (issue 11, item 6); nobody else can.</summary>
public sealed class ExportTests(PairFixture fixture) : IClassFixture<PairFixture>
{
    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    internal static async Task<List<string[]>> CsvAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]); // Excel reads accents only with the byte-order mark
        using var csv = CsvReader.Create(new StringReader(Encoding.UTF8.GetString(bytes[3..])), new CsvReaderOptions { HasHeader = false }, leaveOpen: false);
        var rows = new List<string[]>();
        while (csv.Read())
        {
            rows.Add(Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetString(i)).ToArray());
        }
        return rows;
    }

    /// <summary>The sheet as a user sees it in a spreadsheet: each cell's text, dates as their stored serial number.</summary>
    internal static async Task<(string Sheet, List<string[]> Rows, List<Cell> Cells)> XlsxAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single();
        var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
        var cells = part.Worksheet.Descendants<Cell>().ToList();
        var rows = part.Worksheet.Descendants<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToArray())
            .ToList();
        return (sheet.Name!, rows, cells);
    }

    [Fact]
    public async Task ACoordinatorDownloadsParticipantsAsCsvAndExcelWithTheSameRows()
    {
        var pair = await fixture.PairAsync();
        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/participants"));

        Assert.Equal(["Name", "Email", "Role", "Enrolled (UTC)"], csv[0]);
        Assert.Equal(4, csv.Count); // a mentor and two mentees; the coordinator is staff, not a participant
        Assert.Contains(csv, r => r[0] == "Mona Tor" && r[1] == pair.Mentor.Email && r[2] == "Mentor");
        Assert.Contains(csv, r => r[0] == "Menna Tee" && r[1] == pair.Mentee.Email && r[2] == "Mentee");
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", csv[1][3]);

        var (sheet, rows, cells) = await XlsxAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/participants?format=xlsx"));
        Assert.Equal("Participants", sheet);
        Assert.Equal(csv.Select(r => r[..3]), rows.Select(r => r[..3]));
        // The enrolment date is a real date in the sheet (a number with a date format), not text.
        var enrolled = cells.Where(c => c.StyleIndex?.Value == 1).ToList();
        Assert.Equal(3, enrolled.Count);
        Assert.Equal(Now.Date, DateTime.FromOADate(double.Parse(enrolled[0].CellValue!.Text, CultureInfo.InvariantCulture)).Date);
    }

    [Fact]
    public async Task RelationshipsMeetingsAndCheckInsAreExportedWithWhatTheCoordinatorsPagesShow()
    {
        var pair = await fixture.PairAsync();
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2), minutes: 45);
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var checkIn = await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new
        {
            meetingId, happened = true, topics = "Reading log", progress = "Finished the first book", challenges = "Noise", nextSteps = "Book two", rating = 4,
        });
        Assert.Equal(HttpStatusCode.OK, checkIn.StatusCode);

        var relationships = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/relationships"));
        Assert.Equal(["Relationship", "Kind", "Mentors", "Mentees or peers", "Status", "Starts on", "Ended (UTC)", "End reason", "Match score", "Meetings held"], relationships[0]);
        var row = Assert.Single(relationships.Skip(1));
        Assert.Equal([pair.RelationshipId.ToString(), "Pair", "Mona Tor", "Menna Tee", "Active"], row[..5]);
        Assert.Equal("1", row[9]);

        var meetings = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/meetings"));
        var meeting = Assert.Single(meetings.Skip(1));
        Assert.Equal("Menna Tee; Mona Tor", meeting[1]);
        Assert.Equal(Now.AddHours(-2).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), meeting[3]);
        Assert.Equal(["45", "InPerson", "Library", "Accepted"], meeting[4..]);

        var checkIns = await XlsxAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins?format=xlsx"));
        Assert.Equal("Check-ins", checkIns.Sheet);
        var logged = Assert.Single(checkIns.Rows.Skip(1));
        Assert.Equal("Menna Tee", logged[1]);
        Assert.Equal(["yes", "4", "Reading log", "Finished the first book", "Noise", "Book two"], logged[3..]);
    }

    [Fact]
    public async Task TextThatASpreadsheetWouldRunAsAFormulaIsNeutralisedInBothFormats()
    {
        var pair = await fixture.PairAsync();
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        var mentee = await fixture.SignInAsync(pair.Mentee);
        var checkIn = await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins", new
        {
            meetingId, happened = true, topics = "=HYPERLINK(\"http://evil.example\",\"Click\")", progress = "-2+3", challenges = "@SUM(A1)", nextSteps = "+1 more", rating = 4,
        });
        Assert.Equal(HttpStatusCode.OK, checkIn.StatusCode);
        string[] expected = ["'=HYPERLINK(\"http://evil.example\",\"Click\")", "'-2+3", "'@SUM(A1)", "'+1 more"];

        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins"));
        Assert.Equal(expected, Assert.Single(csv.Skip(1))[5..]);

        var (_, rows, cells) = await XlsxAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins?format=xlsx"));
        Assert.Equal(expected, Assert.Single(rows.Skip(1))[5..]);
        Assert.DoesNotContain(cells, c => c.CellFormula is not null);
    }

    [Fact]
    public async Task AnExcelExportOfANameHoldingControlCharactersDownloadsWithoutThem()
    {
        var pair = await fixture.PairAsync();
        // A name pasted from a word processor with a vertical tab and a unit separator.
        await fixture.WithScopeAsync(s => s.GetRequiredService<Tandem.Data.TandemDb>().Users.Where(u => u.Id == pair.OtherMentee.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Pat\u000BOther\u001F")));

        var (_, rows, _) = await XlsxAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/participants?format=xlsx"));

        Assert.Contains(rows, r => r[0] == "PatOther" && r[1] == pair.OtherMentee.Email);
    }

    [Fact]
    public async Task ExportingCheckInsAMinorWroteIsRecordedInTheMinorsAccessLogAsOpeningThePairsCheckInsIs()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        Assert.Equal(HttpStatusCode.OK, (await mentee.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins",
            new { meetingId, happened = true, topics = "My worries about the exam", rating = 4 })).StatusCode);
        var log = "/api/v1/me/access-log";
        var before = (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items.Count;

        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins"));

        Assert.Contains(csv, r => r.Contains("My worries about the exam"));
        var after = (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items;
        Assert.Equal(before + 1, after.Count);
        var entry = after.Single(e => e.Purpose == "Exporting the program's check-ins");
        Assert.Equal((AuditRecord.CheckIns, "Cora Ordinator"), (entry.Record, entry.ReadBy));
    }

    [Fact]
    public async Task ExportingAMinorsMeetingsIsRecordedInTheMinorsAccessLogAsExportingTheirCheckInsIs()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        await pair.MeetingAsync(Now.AddDays(1));
        var log = "/api/v1/me/access-log";
        var before = (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items.Count;

        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/meetings"));

        Assert.Contains(csv, r => r.Contains("Library"));
        var after = (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items;
        Assert.Equal(before + 1, after.Count);
        var entry = after.Single(e => e.Purpose == "Exporting the program's meetings");
        Assert.Equal((AuditRecord.Relationship, "Cora Ordinator"), (entry.Record, entry.ReadBy));
    }

    [Fact]
    public async Task CheckInsTheMentorWroteAboutAMinorAreRecordedInTheMinorsAccessLogWhenStaffOpenOrExportThem()
    {
        var pair = await fixture.PairAsync();
        var mentee = await fixture.SignInAsync(pair.Mentee);
        await MinorsSchool.MakeMinorAsync(fixture.Tandem, mentee);
        var mentor = await fixture.SignInAsync(pair.Mentor);
        var meetingId = await pair.MeetingAsync(Now.AddHours(-2));
        Assert.Equal(HttpStatusCode.OK, (await mentor.PostAsJsonAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins",
            new { meetingId, happened = true, topics = "Exams", challenges = "She says things are hard at home", rating = 3 })).StatusCode);
        var log = "/api/v1/me/access-log";
        var before = (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items.Count;

        var page = await pair.Coordinator.GetStringAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins");
        Assert.Contains("She says things are hard at home", page);
        var afterReading = (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items;
        Assert.Equal(before + 1, afterReading.Count);
        var read = afterReading.Single(e => e.Purpose == "Reading a relationship's check-ins");
        Assert.Equal((AuditRecord.CheckIns, "Cora Ordinator"), (read.Record, read.ReadBy));

        var csv = await CsvAsync(await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/check-ins"));
        Assert.Contains(csv, r => r.Contains("She says things are hard at home"));
        var afterExport = (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items;
        Assert.Equal(before + 2, afterExport.Count);
        Assert.Single(afterExport, e => e.Purpose == "Exporting the program's check-ins");

        // The mentor is an adult: their own reads of the pair's check-ins are not logged for the mentee.
        await mentor.GetStringAsync($"/api/v1/relationships/{pair.RelationshipId}/check-ins");
        Assert.Equal(before + 2, (await mentee.GetFromJsonAsync<Paged<MyAccessView>>(log, Json.Options))!.Items.Count);
    }

    [Fact]
    public async Task OnlyTheProgramsCoordinatorsCanExport()
    {
        var pair = await fixture.PairAsync();
        var url = $"/api/v1/programs/{pair.ProgramId}/exports/participants";

        var mentor = await fixture.SignInAsync(pair.Mentor);
        var refused = await mentor.GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain(pair.Mentee.Email, await refused.Content.ReadAsStringAsync());

        var outsider = await fixture.SignInAsync(pair.School.Outsider);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.App.CreateClient().GetAsync(url)).StatusCode);

        // Another school's coordinator cannot see the program at all.
        var other = await School.CreateAsync(fixture.Tandem);
        Assert.Equal(HttpStatusCode.NotFound, (await (await fixture.SignInAsync(other.Coordinator)).GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownExportOrFormatIsAClearErrorNotAFile()
    {
        var pair = await fixture.PairAsync();
        var unknown = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/grades");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("participants, relationships, meetings or check-ins", await unknown.Content.ReadAsStringAsync());

        var format = await pair.Coordinator.GetAsync($"/api/v1/programs/{pair.ProgramId}/exports/participants?format=pdf");
        Assert.Equal(HttpStatusCode.BadRequest, format.StatusCode);
        Assert.Contains("format=csv or format=xlsx", await format.Content.ReadAsStringAsync());
        Assert.Equal("application/problem+json", format.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task TheExportsPageLinksEachDownloadForCoordinatorsAndRefusesParticipants()
    {
        var pair = await fixture.PairAsync();
        var coordinator = await fixture.SignInPagesAsync(pair.School.Coordinator);
        var page = await coordinator.Http.GetAsync($"/programs/{pair.ProgramId}/exports");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        foreach (var kind in new[] { "participants", "relationships", "meetings", "check-ins" })
        {
            Assert.Contains($"/api/v1/programs/{pair.ProgramId}/exports/{kind}?format=csv", html);
            Assert.Contains($"/api/v1/programs/{pair.ProgramId}/exports/{kind}?format=xlsx", html);
        }

        var mentee = await fixture.SignInPagesAsync(pair.Mentee);
        var refused = await mentee.Http.GetAsync($"/programs/{pair.ProgramId}/exports");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("exports/participants", await refused.Content.ReadAsStringAsync());
    }
}
