using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tandem.Data;
using Tandem.Features.Exports;
using Tandem.Features.Outcomes;
using Tandem.Tests.Engagement;
using Tandem.Tests.Infrastructure;

namespace Tandem.Tests.Outcomes;

/// <summary>A coordinator imports a program's outcome data over HTTP and reads the analysis back, on the page and in the API.</summary>
public sealed class OutcomeImportTests(TandemFactory factory) : IClassFixture<TandemFactory>
{
    private const string Small = """
        person,group,measure,pre,post
        A1,program,reading,10,14
        A2,program,reading,12,15
        A3,program,reading,9,15
        B1,comparison,reading,11,12
        B2,comparison,reading,10,10
        B3,comparison,reading,12,14
        """;

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static string Outcomes(Guid programId) => $"/api/v1/programs/{programId}/outcomes";

    private async Task<(School School, HttpClient Coordinator, Guid ProgramId)> ProgramAsync()
    {
        var school = await School.CreateAsync(factory);
        var coordinator = await factory.SignedInClientAsync(school.Coordinator);
        var program = await school.CreateProgramAsync(coordinator);
        return (school, coordinator, program.Id);
    }

    private Task<int> RowCountAsync(Guid programId) =>
        factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<OutcomeObservationRow>().CountAsync(r => r.ProgramId == programId));

    private static async Task<JsonElement> ReportAsync(HttpClient client, Guid programId)
    {
        var response = await client.GetAsync(Outcomes(programId));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task AnImportedFileGivesTheSameFiguresAsTheAnalysisOfTheFileAndAsSciPy()
    {
        var (_, coordinator, programId) = await ProgramAsync();
        var path = Path.Combine(Evaluate.ReferenceDirectory, "school.csv");
        var text = await File.ReadAllTextAsync(path);

        var imported = await coordinator.PostAsync(Outcomes(programId), Csv(text));

        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        var read = OutcomeCsv.Read(new StringReader(text));
        var result = (await imported.Content.ReadFromJsonAsync<OutcomeImportResult>(Json.Options))!;
        Assert.Equal(read.Observations.Count, result.Observations);
        Assert.Equal(factory.Clock.GetUtcNow().UtcDateTime, result.ImportedAt);

        var report = await ReportAsync(coordinator, programId);
        Assert.Equal(read.Observations.Count, report.GetProperty("observations").GetInt32());
        // The same analysis the CLI prints for the file, field for field (notes and reading included)...
        var analysis = await new AnalyseOutcomes().RunAsync(read.Observations);
        using var offline = JsonDocument.Parse(EvaluateCommand.ToJson(analysis, indented: false));
        Evaluate.AssertSameFigures(WithoutSmallGroups(offline.RootElement), WithoutSmallGroups(report), "school");
        // ...and the figures SciPy computed independently, to 6 significant figures.
        using var scipy = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Evaluate.ReferenceDirectory, "school.expected.json")));
        Evaluate.AssertSameFigures(WithoutSmallGroups(scipy.RootElement), WithoutSmallGroups(report), "school");
        // reading-age has 3 and 2 people: the API gives their sizes and no figure (the CLI gives them all).
        var small = report.GetProperty("measures").EnumerateArray().Single(m => m.GetProperty("measure").GetString() == "reading-age");
        Assert.Equal((3, 2), (small.GetProperty("program").GetProperty("n").GetInt32(), small.GetProperty("comparison").GetProperty("n").GetInt32()));
        Assert.Equal(JsonValueKind.Null, small.GetProperty("program").GetProperty("meanChange").ValueKind);
        Assert.Equal(JsonValueKind.Null, small.GetProperty("difference").ValueKind);
    }

    /// <summary>The report without its measures of a group under five, which Tandem shows by size only (ADR 25).</summary>
    private static JsonElement WithoutSmallGroups(JsonElement report) => JsonSerializer.SerializeToElement(new
    {
        measures = report.GetProperty("measures").EnumerateArray().Where(m => m.GetProperty("measure").GetString() != "reading-age").ToList(),
    });

    [Fact]
    public async Task SleepDataUploadedAsAFileGiveTheFiguresRPrintsForThem()
    {
        var (_, coordinator, programId) = await ProgramAsync();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Evaluate.ReferenceDirectory, "sleep.csv"));
        var form = new MultipartFormDataContent { { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "sleep.csv" } };
        // A file upload is a form, which another site could post too: the app's own page supplies the antiforgery token.
        var upload = new HttpRequestMessage(HttpMethod.Post, Outcomes(programId)) { Content = form };
        upload.Headers.Add("RequestVerificationToken", await PageClient.AntiforgeryTokenAsync(coordinator, "/account/password"));

        var response = await coordinator.SendAsync(upload);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var report = await ReportAsync(coordinator, programId);
        var measures = report.GetProperty("measures").EnumerateArray().ToDictionary(m => m.GetProperty("measure").GetString()!);
        // R's t.test(extra ~ group, data = sleep) with the groups turned round (the program group is drug 2).
        var welch = measures["sleep-welch"];
        Assert.Equal(1.8608, Math.Round(welch.GetProperty("welchT").GetDouble(), 4));
        Assert.Equal(17.776, Math.Round(welch.GetProperty("df").GetDouble(), 3));
        Assert.Equal(0.07939, Math.Round(welch.GetProperty("p").GetDouble(), 5));
        Assert.Equal(-0.2054832, Math.Round(welch.GetProperty("ci95")[0].GetDouble(), 7));
        Assert.Equal(3.3654832, Math.Round(welch.GetProperty("ci95")[1].GetDouble(), 7));
        var paired = measures["sleep-paired"].GetProperty("pairedProgram");
        Assert.Equal(4.0621, Math.Round(paired.GetProperty("t").GetDouble(), 4));
        Assert.Equal(9, paired.GetProperty("df").GetInt32());
        Assert.Equal(0.002833, Math.Round(paired.GetProperty("p").GetDouble(), 6));
    }

    [Fact]
    public async Task AnImportReplacesTheWholeDataSetAndDeleteClearsIt()
    {
        var (_, coordinator, programId) = await ProgramAsync();
        (await coordinator.PostAsync(Outcomes(programId), Csv(Small))).EnsureSuccessStatusCode();
        factory.Clock.Advance(TimeSpan.FromMinutes(1));

        var second = await coordinator.PostAsync(Outcomes(programId), Csv("""
            person,group,measure,pre,post
            C1,program,attendance,80,90
            C2,program,attendance,70,85
            D1,comparison,attendance,75,76
            D2,comparison,attendance,82,80
            """));

        second.EnsureSuccessStatusCode();
        var report = await ReportAsync(coordinator, programId);
        var measure = Assert.Single(report.GetProperty("measures").EnumerateArray());
        Assert.Equal("attendance", measure.GetProperty("measure").GetString());
        Assert.Equal(2, measure.GetProperty("program").GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Null, measure.GetProperty("program").GetProperty("meanChange").ValueKind); // two people: their size only
        Assert.Equal(4, report.GetProperty("observations").GetInt32());
        Assert.Equal(4, await RowCountAsync(programId));

        var cleared = await coordinator.DeleteAsync(Outcomes(programId));
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        var empty = await ReportAsync(coordinator, programId);
        Assert.Equal(0, empty.GetProperty("measures").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("importedAt").ValueKind);
        Assert.Equal(0, await RowCountAsync(programId));
    }

    [Fact]
    public async Task AMalformedFileIsRefusedWith422NamingTheLineAndThePreviousDataAreKept()
    {
        var (_, coordinator, programId) = await ProgramAsync();
        (await coordinator.PostAsync(Outcomes(programId), Csv(Small))).EnsureSuccessStatusCode();

        var response = await coordinator.PostAsync(Outcomes(programId), Csv("""
            person,group,measure,pre,post
            E1,program,reading,10,12
            E2,program,reading,10,twelve
            E3,control,reading,9,9
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("line 3", problem.GetProperty("detail").GetString());
        var lines = problem.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("line").GetInt32(), l.GetProperty("column").GetString())).ToList();
        Assert.Equal(new List<(int, string?)> { (3, "post"), (4, "group") }, lines);
        var report = await ReportAsync(coordinator, programId);
        Assert.Equal(6, report.GetProperty("observations").GetInt32());
        Assert.Equal(3, report.GetProperty("measures")[0].GetProperty("comparison").GetProperty("n").GetInt32());

        // "Jérôme" saved as Windows-1252 on line 3: refused, not stored with a broken identifier.
        var windows1252 = Encoding.ASCII.GetBytes("person,group,measure,pre,post\nA1,program,reading,1,2\nJ").Append((byte)0xE9).Concat(Encoding.ASCII.GetBytes("r,program,reading,1,2\n")).ToArray();
        var notUtf8 = await coordinator.PostAsync(Outcomes(programId), new ByteArrayContent(windows1252) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notUtf8.StatusCode);
        Assert.Equal(3, (await notUtf8.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lines")[0].GetProperty("line").GetInt32());
        Assert.Equal(6, await RowCountAsync(programId));
    }

    [Fact]
    public async Task AValueHoldingANulCharacterIsRefusedWith422NamingItsLineAndNothingChanges()
    {
        var (_, coordinator, programId) = await ProgramAsync();
        (await coordinator.PostAsync(Outcomes(programId), Csv(Small))).EnsureSuccessStatusCode();

        var response = await coordinator.PostAsync(Outcomes(programId), Csv("person,group,measure,pre,post\nE1,program,reading,10,12\nE\u00002,program,reading,10,12\n"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("line 3", problem.GetProperty("detail").GetString());
        var line = Assert.Single(problem.GetProperty("lines").EnumerateArray());
        Assert.Equal((3, "person"), (line.GetProperty("line").GetInt32(), line.GetProperty("column").GetString()));
        Assert.Contains("holds a NUL character", line.GetProperty("message").GetString());
        Assert.Equal(6, await RowCountAsync(programId));
    }

    [Fact]
    public async Task AnImportIntoAProgramWhoseDataRetentionAnonymisedIsRefusedWith409OnTheApiAndThePage()
    {
        var (school, coordinator, programId) = await ProgramAsync();
        (await coordinator.PostAsync(Outcomes(programId), Csv(Small))).EnsureSuccessStatusCode();
        var anonymisedAt = new DateTime(2026, 11, 3, 2, 0, 0, DateTimeKind.Utc);
        await factory.WithScopeAsync(async s =>
        {
            var db = s.GetRequiredService<TandemDb>();
            db.Add(new RetentionRun(school.Organisation.Id, programId, "Program", anonymisedAt.AddYears(-2), 24, "test", anonymisedAt));
            return await db.SaveChangesAsync();
        });
        const string Message = "This program's data were anonymised on 3 November 2026; outcomes can no longer be imported.";
        var named = Small.Replace("A1", "Alice Smith");

        var response = await coordinator.PostAsync(Outcomes(programId), Csv(named));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(Message, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var pages = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var page = await UploadAsync(pages, $"/programs/{programId}/outcomes", named);
        Assert.Equal(HttpStatusCode.Conflict, page.StatusCode);
        Assert.Contains($"<div class=\"alert\" role=\"alert\">{Message}</div>", WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()));
        var people = await factory.WithScopeAsync(s => s.GetRequiredService<TandemDb>().Set<OutcomeObservationRow>()
            .Where(r => r.ProgramId == programId).Select(r => r.Person).ToListAsync());
        Assert.Equal(6, people.Count);
        Assert.DoesNotContain("Alice Smith", people);
    }

    [Fact]
    public async Task AGroupUnderFiveShowsItsSizeButNoFigureInTheApiAndOnThePage()
    {
        var (school, coordinator, programId) = await ProgramAsync();
        // Program changes 4, 3, 6 (mean 4.33); comparison 1, 0, 2 (mean 1); and one pupil alone in a measure, changed by 12.
        (await coordinator.PostAsync(Outcomes(programId), Csv(Small + "\nA1,program,attendance,70,82\n"))).EnsureSuccessStatusCode();

        var report = await ReportAsync(coordinator, programId);
        var measures = report.GetProperty("measures").EnumerateArray().ToList();
        foreach (var m in measures)
        {
            Assert.Equal(JsonValueKind.Null, m.GetProperty("program").GetProperty("meanChange").ValueKind);
            Assert.Equal(JsonValueKind.Null, m.GetProperty("program").GetProperty("sdChange").ValueKind);
            Assert.Equal(JsonValueKind.Null, m.GetProperty("comparison").GetProperty("meanChange").ValueKind);
            foreach (var statistic in new[] { "difference", "welchT", "df", "p", "hedgesG", "ci95" })
            {
                Assert.Equal(JsonValueKind.Null, m.GetProperty(statistic).ValueKind);
            }
            Assert.Equal(JsonValueKind.Null, m.GetProperty("pairedProgram").GetProperty("t").ValueKind);
            Assert.Contains(m.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("Fewer than 5 people with both values", StringComparison.Ordinal));
            Assert.DoesNotContain(m.GetProperty("reading").EnumerateArray(), r => r.GetString()!.Contains("change", StringComparison.Ordinal) && r.GetString()!.Contains('+'));
        }
        Assert.Equal((3, 3), (measures[0].GetProperty("program").GetProperty("n").GetInt32(), measures[0].GetProperty("comparison").GetProperty("n").GetInt32()));
        Assert.Equal(1, measures[1].GetProperty("program").GetProperty("n").GetInt32());
        Assert.StartsWith("Program group: 1 person. ", measures[1].GetProperty("reading")[0].GetString());

        var pages = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var html = WebUtility.HtmlDecode(await pages.Http.GetStringAsync($"/programs/{programId}/outcomes"));
        Assert.Contains("<td data-label=\"Mean change\">not shown (fewer than 5 people)</td>", html);
        Assert.Contains("Fewer than 5 people with both values in the program group (3 people) and the comparison group (3 people)", html);
        Assert.DoesNotContain("4.33", html);
        Assert.DoesNotContain("+12", html);
    }

    [Fact]
    public async Task AFileOverTheSizeLimitIsRefusedWith413AndNothingChanges()
    {
        var (_, coordinator, programId) = await ProgramAsync();
        (await coordinator.PostAsync(Outcomes(programId), Csv(Small))).EnsureSuccessStatusCode();
        var limit = new OutcomeOptions().MaxFileBytes;
        var big = new StringBuilder("person,group,measure,pre,post\n");
        for (var i = 0; big.Length <= limit; i++)
        {
            big.Append($"P{i:D7},program,reading,10,12\n");
        }

        var response = await coordinator.PostAsync(Outcomes(programId), Csv(big.ToString()));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("KB", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(6, await RowCountAsync(programId));
    }

    [Fact]
    public async Task OnlyTheProgramsCoordinatorsAndAdministratorsReadImportOrClearItsOutcomes()
    {
        var (school, coordinator, programId) = await ProgramAsync();
        (await coordinator.PostAsync(Outcomes(programId), Csv(Small))).EnsureSuccessStatusCode();
        await PairFixture.EnrolAsync(coordinator, programId, school.Mentee, "Mentee");
        var participant = await factory.SignedInClientAsync(school.Mentee);
        var outsider = await factory.SignedInClientAsync(school.Outsider);
        var otherSchool = await School.CreateAsync(factory);
        var otherCoordinator = await factory.SignedInClientAsync(otherSchool.Coordinator);
        var participantPages = await PageClient.SignInAsync(factory, school.Mentee.Email);
        var otherPages = await PageClient.SignInAsync(factory, otherSchool.Coordinator.Email);

        foreach (var (client, expected) in new[] { (participant, HttpStatusCode.Forbidden), (outsider, HttpStatusCode.NotFound), (otherCoordinator, HttpStatusCode.NotFound) })
        {
            Assert.Equal(expected, (await client.GetAsync(Outcomes(programId))).StatusCode);
            Assert.Equal(expected, (await client.PostAsync(Outcomes(programId), Csv("person,group,measure,pre,post\nX,program,reading,1,2\n"))).StatusCode);
            Assert.Equal(expected, (await client.DeleteAsync(Outcomes(programId))).StatusCode);
        }
        // A stranger's upload is refused before a byte is read, whatever its size.
        var huge = new ByteArrayContent(new byte[new OutcomeOptions().MaxFileBytes + 1]) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } };
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync(Outcomes(programId), huge)).StatusCode);
        var participantPage = await participantPages.Http.GetAsync($"/programs/{programId}/outcomes");
        Assert.Equal(HttpStatusCode.Forbidden, participantPage.StatusCode);
        Assert.DoesNotContain("Difference of mean changes", await participantPage.Content.ReadAsStringAsync()); // no figure of the report (a person id like "A1" may occur by chance in a random token)
        Assert.Equal(HttpStatusCode.NotFound, (await otherPages.Http.GetAsync($"/programs/{programId}/outcomes")).StatusCode);
        Assert.Equal(6, await RowCountAsync(programId));

        var administrator = await factory.SignedInClientAsync(await factory.CreateUserAsync("Ada Min", administrator: true));
        var report = await ReportAsync(administrator, programId);
        Assert.Equal(6, report.GetProperty("observations").GetInt32());
    }

    [Fact]
    public async Task TheReportPageShowsTheEmptyStateThenEachMeasuresFiguresAndReading()
    {
        var (school, _, programId) = await ProgramAsync();
        var pages = await PageClient.SignInAsync(factory, school.Coordinator.Email);
        var path = $"/programs/{programId}/outcomes";

        var empty = await pages.Http.GetStringAsync(path);
        Assert.Contains("No outcome data imported yet.", empty);
        Assert.Contains("An import replaces the program's whole outcome data set.", empty);

        var imported = await UploadAsync(pages, path, await File.ReadAllTextAsync(Path.Combine(Evaluate.ReferenceDirectory, "school.csv")));
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        var html = WebUtility.HtmlDecode(await imported.Content.ReadAsStringAsync());
        Assert.Contains("replacing the previous outcome data", html);
        Assert.Contains("<caption>maths: change (post − pre) in each group</caption>", html);
        Assert.Contains("<th scope=\"row\">Program</th>", html);
        // school.expected.json: maths difference 4.618452, CI 0.98256 to 8.25435, p 0.0138528, g 0.684179, paired t 5.50796 (df 23).
        Assert.Contains("<td data-label=\"Value\">4.62</td>", html);
        Assert.Contains("0.983 to 8.25", html);
        Assert.Contains("<td data-label=\"Value\">0.0139</td>", html);
        Assert.Contains("<td data-label=\"Value\">0.684</td>", html);
        Assert.Contains("t = 5.51, df = 23, p < 0.001", html);
        Assert.Contains("What this shows, and what it does not", html);
        Assert.Contains("People were not assigned to the program at random", html);

        var malformed = await UploadAsync(pages, path, "person,group,measure,pre,post\nS1,program,maths,1,2\nS2,program,maths,3\n");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, malformed.StatusCode);
        var refused = WebUtility.HtmlDecode(await malformed.Content.ReadAsStringAsync());
        Assert.Contains("<td data-label=\"Line\">3</td>", refused);
        Assert.Contains("the program's previous data are kept", refused);
        Assert.Contains("<caption>maths: change (post − pre) in each group</caption>", refused);

        var unconfirmed = await pages.SubmitAsync(path, "clear", []);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Contains("nothing was deleted", await unconfirmed.Content.ReadAsStringAsync());
        Assert.NotEqual(0, await RowCountAsync(programId));
        var cleared = await pages.SubmitAsync(path, "clear", [new("ConfirmDelete", "true")]);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Contains("No outcome data imported yet.", await cleared.Content.ReadAsStringAsync());
        Assert.Equal(0, await RowCountAsync(programId));
    }

    private static async Task<HttpResponseMessage> UploadAsync(PageClient pages, string path, string csv)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(await PageClient.AntiforgeryTokenAsync(pages.Http, path)), "__RequestVerificationToken" },
            { new StringContent("import"), "_handler" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "OutcomeFile", "outcomes.csv" },
        };
        return await pages.Http.PostAsync(path, form);
    }
}
